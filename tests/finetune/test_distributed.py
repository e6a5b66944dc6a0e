"""Two processes over gloo (``torch.distributed.run``) train like one process with the same global batch.

Same data, seed and global batch size (4 = 2 processes x 2; 12 training rows: no ragged last batch), and
a tiny model without dropout: every step sees the same examples and the same mean loss, so the runs may
differ only by the order of float additions (the all-reduce). Only the main process writes the run folder;
the other one returns after it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from xlt.finetune.config import TrainConfig

LOSS_TOLERANCE = 1e-3  # absolute, on a mean training cross-entropy of about 0.4
ACCURACY_TOLERANCE = 1e-9  # the same dev predictions


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", ""), "OMP_NUM_THREADS": "1",
            "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def _without_dropout(tiny_model: Path, out: Path) -> Path:
    shutil.copytree(tiny_model, out)
    config = json.loads((out / "config.json").read_text())
    config.update(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    (out / "config.json").write_text(json.dumps(config))
    return out


def test_two_processes_match_one_process(tiny_model, toy_data, tmp_path):
    model = _without_dropout(tiny_model, tmp_path / "model")
    cfg = TrainConfig.validated({
        "name": "toy", "output_dir": str(tmp_path / "runs"),
        "model": {"name": str(model), "max_length": 32},
        "data": {"pool": {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en", "de", "fr"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25, "seed": 0}, "source_languages": ["en"]},
        "training": {"epochs": 3, "batch_size": 4, "learning_rate": 1e-3, "early_stopping_patience": None,
                     "length_grouped": False},
        "evaluation": {"baselines": [], "bootstrap_resamples": 20},
    })  # training.dropout (the head's) defaults to the encoder's: 0 here
    path = tmp_path / "toy.yaml"
    path.write_text(cfg.to_yaml())
    base = [sys.executable, "-m", "xlt.cli.main", "train", str(path)]
    one = subprocess.run([*base, "--set", "name=one"], env=_env(), capture_output=True, text=True, timeout=300)
    assert one.returncode == 0, one.stderr[-3000:]
    two = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
         "-m", "xlt.cli.main", "train", str(path), "--set", "name=two", "--set", "training.batch_size=2"],
        env=_env(), capture_output=True, text=True, timeout=300)
    assert two.returncode == 0, two.stderr[-3000:]

    runs = tmp_path / "runs"
    info = {name: json.loads((runs / name / "run_info.json").read_text()) for name in ("one", "two")}
    assert info["one"]["processes"] == 1 and info["two"]["processes"] == 2
    assert info["one"]["epochs_run"] == info["two"]["epochs_run"] == 3
    assert abs(info["one"]["train_loss"] - info["two"]["train_loss"]) <= LOSS_TOLERANCE, info
    assert abs(info["one"]["best_dev_score"] - info["two"]["best_dev_score"]) <= ACCURACY_TOLERANCE, info
    # one run folder, written once: the config says per-device batch 2, the model and report are there
    assert yaml.safe_load((runs / "two" / "config.yaml").read_text())["training"]["batch_size"] == 2
    assert (runs / "two" / "model" / "model.safetensors").is_file()
    assert (runs / "two" / "report.html").is_file()
    assert not (runs / "two" / "checkpoints").exists()
    metrics = {name: json.loads((runs / name / "metrics.json").read_text()) for name in ("one", "two")}
    assert metrics["one"]["target_languages"] == metrics["two"]["target_languages"] == ["de", "fr"]
    print("1 process:", {k: info["one"][k] for k in ("train_loss", "best_dev_score")},
          "2 processes:", {k: info["two"][k] for k in ("train_loss", "best_dev_score")})
