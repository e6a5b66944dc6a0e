"""The pretraining config: YAML, overrides, clear errors; the CLI reports a bad config in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlt.errors import ConfigError
from xlt.pretrain.config import PretrainConfig

YAML = """
name: t
objectives:
  mlm:
    data: [{text: "x/{lang}.txt", languages: [de]}]
  alignment:
    weight: 0.5
    data: [{parallel: ntrex, languages: [deu]}]
    options: {temperature: 0.1}
"""


def test_yaml_and_overrides(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_text(YAML)
    cfg = PretrainConfig.from_yaml(path, ["training.max_steps=7", "objectives.alignment.weight=2", "sampling.alpha=1"])
    assert cfg.training.max_steps == 7 and cfg.objectives["alignment"].weight == 2.0 and cfg.sampling.alpha == 1.0
    assert cfg.model.name == "builtin:multilingual-e5-small"
    assert PretrainConfig.validated(__import__("yaml").safe_load(cfg.to_yaml())) == cfg


@pytest.mark.parametrize(("change", "message"), [
    ({"objectives": {"mlmm": {"data": [{"text": "a/{lang}"}]}}}, "unknown objectives \\['mlmm'\\]"),
    ({"objectives": {"mlm": {"data": [{"text": "a", "parallel": "ntrex"}]}}}, "exactly one of text"),
    ({"objectives": {"mlm": {"weight": 0, "data": [{"text": "a/{lang}"}]}}}, "objectives.mlm.weight"),
    ({"sampling": {"alpha": -1}}, "sampling.alpha"),
    ({"training": {"max_steps": 0}}, "training.max_steps: Input should be greater than or equal to 1"),
    ({"training": {"learning_rate": 0}}, "training.learning_rate: Input should be greater than 0"),
    ({"training": {"batch_size": 0}}, "training.batch_size: Input should be greater than or equal to 1"),
    ({"training": {"mlm_probability": 0}}, "training.mlm_probability: Input should be greater than 0"),
    ({"training": {"warmup": 1.5}}, "training.warmup: a fraction of the steps"),
    ({"training": {"heldout": -1}}, "training.heldout: Input should be greater than or equal to 0"),
    ({"training": {"save_steps": 0}}, "training.save_steps: Input should be greater than or equal to 1"),
    ({"model": {"max_length": 0}}, "model.max_length: Input should be greater than or equal to 1"),
    ({"language_adapters": {"activation": "swish"}}, "language_adapters.activation: Input should be 'relu', 'gelu'"),
])
def test_bad_configs_name_the_field(change, message):
    raw = {"name": "t", "objectives": {"mlm": {"data": [{"text": "a/{lang}"}]}}, **change}
    with pytest.raises(ConfigError, match=message):
        PretrainConfig.validated(raw)


def test_cli_reports_a_bad_config_in_one_line(tmp_path: Path):
    from xlt.cli.main import app

    path = tmp_path / "bad.yaml"
    path.write_text("name: t\nobjectives: {tlm: {data: [{text: 'x/{lang}.txt'}]}}\ntraining: {max_stepz: 3}\n")
    result = CliRunner().invoke(app, ["pretrain", str(path)])
    assert result.exit_code == 2
    assert "training.max_stepz" in result.output
