"""End to end on the tiny model: a small study, the best config, the final comparison and the report."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from xlt.cli.main import app
from xlt.finetune.config import TrainConfig
from xlt.tune import load_tune_config, tune


def test_study_best_config_final_runs_and_report(tune_config, tmp_path):
    result = tune(load_tune_config(tune_config), 3, final=True)
    study_dir = result.study_dir
    assert study_dir == tmp_path / "runs" / "toy-tune" and (study_dir / "study.db").is_file()
    summary = json.loads((study_dir / "study.json").read_text())
    assert sum(summary["trials"].values()) == 3 and summary["trials"]["complete"] >= 1

    # Every trial: source-language dev only, and no test language scored at all.
    for t in result.study.trials:
        folder = study_dir / "trials" / f"trial-{t.number:04d}"
        info = json.loads((folder / "run_info.json").read_text())
        assert info["dev_languages"] == ["en"] == info["source_languages"]
        assert not (folder / "metrics.json").exists() and not (folder / "predictions").exists()
        assert not (folder / "model").exists()
        if t.value is not None:
            assert t.value == info["best_dev_score"] == max(t.intermediate_values.values())

    # best.yaml is a plain training config with the best values ...
    best = result.study.best_trial
    cfg = TrainConfig.from_yaml(result.best_config)
    assert cfg.name == "toy-best" and cfg.training.learning_rate == best.params["training.learning_rate"]
    assert cfg.training.batch_size == best.params["training.batch_size"]
    # ... that retrains to the best trial's source-dev score (same data and seed) ...
    final = summary["final"]
    assert final["best"]["best_dev_score"] == best.value
    assert set(final["best"]["target_languages"]) == {"de", "fr"}
    assert set(final["default"]["scores"]) == {"en", "de", "fr"}
    # ... and that `xlt train` takes as it is.
    out = CliRunner().invoke(app, ["train", str(result.best_config), "--set", f"output_dir={tmp_path / 'again'}"])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "again" / "toy-best" / "metrics.json").is_file()

    md = (study_dir / "report.md").read_text()
    assert "best config against the default config" in md and "| de |" in md and "mean of 2 targets" in md
    assert "plot_1.png" in md and (study_dir / "plot_1.png").read_bytes()[:4] == b"\x89PNG"
    html = (study_dir / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 2 and "<script" not in html


def test_cli_runs_a_study_and_continues_it(tune_config, tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["tune", str(tune_config), "--trials", "1", "--set", "training.epochs=1"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["tune", str(tune_config), "--trials", "2", "--set", "training.epochs=1"])
    assert out.exit_code == 0, out.output
    summary = json.loads((tmp_path / "runs" / "toy-tune" / "study.json").read_text())
    assert [r["number"] for r in summary["trial_rows"]] == [0, 1]  # the second call added one trial
    out = runner.invoke(app, ["tune", str(tune_config), "--trials", "3", "--set", "training.epochs=2"])
    assert out.exit_code == 2 and "another base config" in out.output
