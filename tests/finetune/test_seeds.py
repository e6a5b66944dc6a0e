"""``training.seeds``: one complete run folder per seed, their mean and spread, resume, the CLI option."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from xlt.errors import ConfigError
from xlt.evaluate.seed_spread import SeedSpread, decompose
from xlt.finetune import seeds as seeds_module
from xlt.finetune.seeds import SeedRuns
from xlt.finetune.train import TrainedRun, train
from xlt.interrupt import TrainingInterrupted
from xlt.run_folder import RunFolder

from tests.finetune.test_train import toy_config
from tests.helpers import toy_rows, write_jsonl

FAST = {"epochs": 1}


@pytest.fixture(scope="module")
def module_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("seed-data") / "toy"
    for lang in ("en", "de", "fr"):
        write_jsonl(root / f"{lang}.jsonl", toy_rows(lang))
    return root


@pytest.fixture(scope="module")
def two_seeds(tiny_model, module_data, tmp_path_factory) -> SeedRuns:
    """A 2-seed toy run with both baselines, trained once for this module."""
    out = tmp_path_factory.mktemp("two-seeds")
    run = train(toy_config(tiny_model, module_data, out, training={**FAST, "seeds": 2}))
    assert isinstance(run, SeedRuns)
    return run


def _metrics(folder: Path) -> dict:
    return json.loads((folder / "metrics.json").read_text())


def test_each_seed_is_a_complete_run_and_seeds_json_is_their_mean_and_sd(two_seeds):
    root = two_seeds.root
    assert sorted(two_seeds.runs) == [0, 1]
    for seed in (0, 1):
        folder = root / f"seed-{seed}"
        for name in ("config.yaml", "metrics.json", "run_info.json", "report.md", "report.html"):
            assert (folder / name).is_file(), (seed, name)
        assert (folder / "model" / "config.json").is_file()
        assert yaml.safe_load((folder / "config.yaml").read_text())["training"]["seed"] == seed
    for name in ("config.yaml", "seeds.json", "report.md", "report.html"):
        assert (root / name).is_file(), name

    spread = SeedSpread.model_validate_json((root / "seeds.json").read_text())
    assert spread.seeds == [0, 1] and spread.runs == ["seed-0", "seed-1"]
    per_seed = [_metrics(root / f"seed-{seed}") for seed in (0, 1)]
    primary = per_seed[0]["primary_metric"]
    assert list(spread.systems) == ["xlt", "lexical", "frozen-encoder"]
    for system, system_spread in spread.systems.items():
        assert set(system_spread.languages) == {"en", "de", "fr"}
        for lang, by_metric in system_spread.languages.items():
            for metric, sp in by_metric.items():
                scores = np.array([m["systems"][system]["languages"][lang][metric] for m in per_seed])
                assert sp.values == pytest.approx(scores.tolist())
                assert sp.mean == pytest.approx(scores.mean())
                assert sp.sd == pytest.approx(scores.std(ddof=1))
        target = np.array([m["systems"][system]["target_mean"] for m in per_seed])
        assert system_spread.target_mean.mean == pytest.approx(target.mean())
        assert system_spread.target_mean.sd == pytest.approx(target.std(ddof=1))
    assert spread.primary_metric == primary

    report = (root / "report.md").read_text()
    assert "(2 seeds)" in report and "±" in report and "Seed or test sample?" in report
    assert "Transfer gap" in report and "seed-1/report.md" in report
    assert "seed share" in (root / "report.html").read_text()


def test_the_first_seed_is_the_single_seed_run(two_seeds, tiny_model, module_data, tmp_path):
    single = train(toy_config(tiny_model, module_data, tmp_path, training=FAST))
    assert isinstance(single, TrainedRun) and single.root == tmp_path / "runs" / "toy"
    assert not (single.root / "seed-0").exists() and not (single.root / "seeds.json").exists()
    assert _metrics(two_seeds.root / "seed-0")["systems"] == _metrics(single.root)["systems"]


def test_seed_and_sample_shares_sum_to_one(two_seeds):
    shares = [(sp.seed_share, sp.sample_share) for system in two_seeds.spread.systems.values()
              for by_metric in system.languages.values() for sp in by_metric.values() if sp.seed_share is not None]
    assert shares
    for seed_share, sample_share in shares:
        assert 0 <= seed_share <= 1 and 0 <= sample_share <= 1
        assert seed_share + sample_share == pytest.approx(1)
    per_seed = [_metrics(two_seeds.root / f"seed-{seed}") for seed in (0, 1)]
    for system, system_spread in two_seeds.spread.systems.items():
        for lang, by_metric in system_spread.languages.items():
            sp = by_metric[two_seeds.spread.primary_metric]
            errors = [m["systems"][system]["languages"][lang][f"{two_seeds.spread.primary_metric}_se"]
                      for m in per_seed]
            assert sp.sample_variance_from == "resamples"
            assert sp.sample_variance == pytest.approx(np.mean(np.square(errors)))
    seed, sample, seed_share, sample_share = decompose([0.6, 0.8, 0.7], [0.01, 0.03, 0.02])
    assert (seed, sample) == pytest.approx((0.01, 0.02))
    assert (seed_share, sample_share) == pytest.approx((1 / 3, 2 / 3))
    assert decompose([0.5, 0.5], [0.0, 0.0])[2:] == (None, None)  # nothing varies: no shares to give


def test_zero_seeds_fails_when_the_config_is_read(tiny_model, module_data, tmp_path):
    with pytest.raises(ConfigError, match=r"training\.seeds"):
        toy_config(tiny_model, module_data, tmp_path, training={"seeds": 0})


def test_resume_trains_only_the_missing_seed(two_seeds, tiny_model, module_data, tmp_path, monkeypatch):
    out = tmp_path / "runs" / "toy"
    shutil.copytree(two_seeds.root, out)
    shutil.rmtree(out / "seed-1")
    finished = (out / "seed-0" / "metrics.json").stat().st_mtime_ns
    trained = []
    real_train = seeds_module.train

    def recording_train(config, **kwargs):
        trained.append(config.training.seed)
        return real_train(config, **kwargs)

    monkeypatch.setattr(seeds_module, "train", recording_train)
    cfg = toy_config(tiny_model, module_data, tmp_path, training={**FAST, "seeds": 2})
    with pytest.raises(ConfigError, match="exists"):
        train(cfg)
    run = train(cfg, resume=True)
    assert trained == [1]
    assert (out / "seed-0" / "metrics.json").stat().st_mtime_ns == finished
    assert (out / "seed-1" / "metrics.json").is_file()
    assert run.spread.seeds == [0, 1]
    assert _metrics(out / "seed-1")["systems"] == _metrics(two_seeds.root / "seed-1")["systems"]


def test_cli_seeds_option_writes_the_parent_report(tiny_model, module_data, tmp_path):
    from xlt.cli.main import app

    cfg = toy_config(tiny_model, module_data, tmp_path, training=FAST, evaluation={"baselines": []})
    path = tmp_path / "config.yaml"
    path.write_text(cfg.to_yaml())
    runner = CliRunner()
    result = runner.invoke(app, ["train", str(path), "--seeds", "0"])
    assert result.exit_code == 2 and "training.seeds" in result.output
    result = runner.invoke(app, ["train", str(path), "--seeds", "2"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "runs" / "toy"
    assert "seeds.json" in result.output
    assert (root / "report.md").is_file() and (root / "seeds.json").is_file()
    assert sorted(p.name for p in root.glob("seed-*")) == ["seed-0", "seed-1"]
    assert yaml.safe_load((root / "config.yaml").read_text())["training"]["seeds"] == 2


def test_resume_reads_finished_seeds_resumes_checkpoints_and_restarts_the_rest(two_seeds, tiny_model, module_data,
                                                                              tmp_path, monkeypatch):
    """Which seeds --resume trains, and how, with train() of one seed replaced by a recorder."""
    out = tmp_path / "runs" / "toy"
    shutil.copytree(two_seeds.root, out)
    (out / "seed-1" / "metrics.json").unlink()
    (out / "seed-1" / "checkpoints" / "checkpoint-2").mkdir(parents=True)  # interrupted while training
    calls = []

    def fake_train(config, *, resume, overwrite, callbacks):
        calls.append((config.training.seed, resume, overwrite))
        return seeds_module.read_run(RunFolder(two_seeds.root / f"seed-{min(config.training.seed, 1)}"))

    monkeypatch.setattr(seeds_module, "train", fake_train)
    cfg = toy_config(tiny_model, module_data, tmp_path, training={**FAST, "seeds": 3})
    run = train(cfg, resume=True)
    # seed 0 finished: read back; seed 1 has a checkpoint: resumed; seed 2 has no folder: trained from the start
    assert calls == [(1, True, True), (2, False, True)]
    assert run.spread.seeds == [0, 1, 2] and sorted(run.runs) == [0, 1, 2]


def test_resume_refuses_finished_seeds_of_another_config(two_seeds, tiny_model, module_data, tmp_path, monkeypatch):
    """A finished seed is read back only if it trained this config; more seeds may be asked for."""
    out = tmp_path / "runs" / "toy"
    shutil.copytree(two_seeds.root, out)
    cfg = toy_config(tiny_model, module_data, tmp_path, training={**FAST, "seeds": 2})
    with pytest.raises(ConfigError, match=r"toy/config.yaml was started with another config: "
                                          r"training.learning_rate: 0.001 there, 0.01 now"):
        train(cfg.with_overrides(["training.learning_rate=1e-2"]), resume=True)
    seed_file = out / "seed-1" / "config.yaml"
    kept = seed_file.read_text()
    seed_file.write_text(kept.replace("weight_decay: 0.01", "weight_decay: 0.1"))
    with pytest.raises(ConfigError, match=r"seed-1/config.yaml was started with another config: "
                                          r"training.weight_decay: 0.1 there, 0.01 now"):
        train(cfg, resume=True)
    seed_file.write_text(kept)
    calls = []

    def fake_train(config, **kwargs):
        calls.append(config.training.seed)
        return seeds_module.read_run(RunFolder(two_seeds.root / "seed-1"))

    monkeypatch.setattr(seeds_module, "train", fake_train)
    run = train(cfg.with_overrides(["training.seeds=3"]), resume=True)  # one more seed
    assert calls == [2] and run.spread.seeds == [0, 1, 2]


def test_an_interrupted_seed_says_how_to_resume_every_seed(tiny_model, module_data, tmp_path, monkeypatch):
    def interrupted(config, **kwargs):
        raise TrainingInterrupted("training interrupted")

    monkeypatch.setattr(seeds_module, "train", interrupted)
    cfg = toy_config(tiny_model, module_data, tmp_path, training={**FAST, "seeds": 2})
    with pytest.raises(TrainingInterrupted, match=r"seed 0 interrupted.*xlt train .*toy/config.yaml --resume"):
        train(cfg)
    with pytest.raises(ConfigError, match="no multi-seed run"):
        train(toy_config(tiny_model, module_data, tmp_path, name="other", training={**FAST, "seeds": 2}),
              resume=True)
