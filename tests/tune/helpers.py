"""Helpers of the tuning tests."""

from __future__ import annotations

from pathlib import Path

import yaml


def write_tune_config(path: Path, tiny_model: Path, toy_data: Path, out: Path, **extra) -> Path:
    """A tune config on the toy task and the tiny model (2 epochs, 3 searched values, no final runs);
    ``extra`` top-level sections are merged into it."""
    raw = {
        "name": "toy", "output_dir": str(out),
        "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en", "de", "fr"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25, "seed": 0}, "source_languages": ["en"]},
        "training": {"epochs": 2, "batch_size": 4, "learning_rate": 1e-3, "early_stopping_patience": None},
        "evaluation": {"bootstrap_resamples": 20, "baselines": []},
        "search": {"training.learning_rate": {"type": "float", "low": 1e-5, "high": 3e-3, "log": True},
                   "training.warmup": {"type": "float", "low": 0.0, "high": 0.3},
                   "training.batch_size": {"type": "categorical", "choices": [4, 8]}},
        "tune": {"pruner": "median", "startup_trials": 2, "warmup_epochs": 0, "final": False},
    }
    for key, value in extra.items():
        raw[key] = {**raw.get(key, {}), **value} if isinstance(value, dict) else value
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path
