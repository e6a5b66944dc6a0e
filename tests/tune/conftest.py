"""Fixtures for the tuning tests: a tune config over the toy task and the tiny model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tune.helpers import write_tune_config


@pytest.fixture
def tune_config(tiny_model: Path, toy_data: Path, tmp_path: Path) -> Path:
    """A tune config file (toy data, tiny model, 2 epochs, 3 searched values, no final runs)."""
    return write_tune_config(tmp_path / "tune.yaml", tiny_model, toy_data, tmp_path / "runs")
