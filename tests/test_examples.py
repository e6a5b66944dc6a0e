"""Every config in ``examples/`` is valid for the command its header names (a renamed field breaks here, not
in a user's first run). Only parsing: what the examples produce is measured in ``bench/RESULTS.md``."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlt.config_file import read_yaml

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))


def load_example(path: Path):
    raw = read_yaml(path)
    if "objectives" in raw:
        from xlt.pretrain.config import PretrainConfig

        return PretrainConfig.from_yaml(path)
    if "search" in raw:
        from xlt.tune.settings import load_tune_config

        return load_tune_config(path)
    if "base_run" in raw:
        from xlt.finetune.continual.run import ContinualConfig

        return ContinualConfig.from_yaml(path)
    from xlt.finetune.config import TrainConfig

    return TrainConfig.from_yaml(path)


def test_there_are_examples():
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_config_is_valid(path: Path):
    config = load_example(path)
    assert (config.base if hasattr(config, "base") else config).name, path
