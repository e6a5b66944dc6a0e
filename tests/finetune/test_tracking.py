"""``training.report_to``: TensorBoard event files and a local MLflow store inside the run folder."""

from __future__ import annotations

import json

import pytest

from xlt.errors import ConfigError
from xlt.finetune.config import TrainConfig
from xlt.finetune.tracking import check_report_to
from xlt.finetune.train import train


def test_tensorboard_and_mlflow_write_into_the_run_folder(tiny_model, toy_data, tmp_path, monkeypatch):
    mlflow = pytest.importorskip("mlflow", reason="mlflow-skinny is in the dev extra: pip install -e '.[dev]'")
    pytest.importorskip("tensorboard", reason="tensorboard is in the dev extra: pip install -e '.[dev]'")
    for var in ("MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_NAME", "TENSORBOARD_LOGGING_DIR"):
        monkeypatch.delenv(var, raising=False)
    cfg = TrainConfig.validated({
        "name": "tracked", "output_dir": str(tmp_path / "runs"),
        "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en", "de"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25, "seed": 0}, "source_languages": ["en"]},
        "training": {"epochs": 2, "batch_size": 4, "report_to": ["tensorboard", "mlflow"]},
        "evaluation": {"baselines": [], "bootstrap_resamples": 20},
    })
    run = train(cfg)
    assert list((run.root / "tensorboard").glob("events.out.tfevents.*"))
    assert (run.root / "mlflow.db").is_file()
    mlflow.set_tracking_uri(f"sqlite:///{run.root / 'mlflow.db'}")
    [tracked] = mlflow.search_runs(experiment_names=["tracked"], output_format="list")
    assert tracked.info.run_name == "tracked" and tracked.info.status == "FINISHED"
    # the tracker got a copy of the dev curve; the run folder stays the source of truth
    best = json.loads((run.root / "run_info.json").read_text())["best_dev_score"]
    history = mlflow.tracking.MlflowClient().get_metric_history(tracked.info.run_id, "eval_accuracy")
    assert len(history) == 2 and max(m.value for m in history) == pytest.approx(best)
    assert (run.root / "metrics.json").is_file()


def test_a_tracker_that_is_not_installed_is_a_clear_error(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "mlflow" else real(name, *a))
    with pytest.raises(ConfigError, match=r"report_to: 'mlflow' needs the 'mlflow' package"):
        check_report_to(["mlflow"])
