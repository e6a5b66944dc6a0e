"""``xlt pretrain`` with ``language_adapters:`` trains MAD-X language adapters that the madx strategy loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlt.errors import ConfigError
from xlt.pretrain import PretrainConfig, pretrain

from tests.pretrain.helpers import MONO


def adapter_config(tmp_path: Path, tiny_model: Path, **extra) -> PretrainConfig:
    return PretrainConfig.validated({
        "name": "lang-adapters", "output_dir": str(tmp_path / "runs"), "model": {"name": str(tiny_model)},
        "language_adapters": {"reduction_factor": 2, "names": {"de": "deu_Latn"}},
        "objectives": {"mlm": {"data": [{"text": "unused/{lang}.txt", "languages": ["en", "de"]}]}},
        "training": {"max_steps": 30, "batch_size": 4, "learning_rate": 1e-2, "max_length": 32, "heldout": 0},
        **extra})


def test_one_adapter_per_language_and_the_madx_block(tmp_path, tiny_model):
    encoder_before = (tiny_model / "model.safetensors").read_bytes()
    run = pretrain(adapter_config(tmp_path, tiny_model), data={"mlm": {k: MONO[k] for k in ("en", "de")}})
    for lang in ("en", "de"):
        card = json.loads((run.root / "language_adapters" / lang / "adapter.json").read_text())
        assert card["lang"] == lang and card["steps"] == 30 and card["reduction_factor"] == 2
        assert card["last_loss"] < card["first_loss"]  # MLM through the adapter learns
    assert run.report["madx_strategy"]["language_adapters"] == {
        "en": str(run.root / "language_adapters" / "en"), "deu_Latn": str(run.root / "language_adapters" / "de")}
    assert "name: madx" in (run.root / "pretrain_report.md").read_text()
    assert (tiny_model / "model.safetensors").read_bytes() == encoder_before  # the encoder is left alone


def test_the_madx_strategy_loads_the_adapters(tmp_path, tiny_model):
    from transformers import AutoModel

    from xlt.finetune.strategies import make_strategy

    run = pretrain(adapter_config(tmp_path, tiny_model), data={"mlm": {k: MONO[k] for k in ("en", "de")}})
    strategy = make_strategy({**run.report["madx_strategy"], "source_language": "en"})
    model = strategy.apply(AutoModel.from_pretrained(tiny_model))
    strategy.activate_language(model, "deu_Latn")  # swapped in per test language
    with pytest.raises(ConfigError):
        strategy.activate_language(model, "fr")


def test_language_adapters_need_the_mlm_objective_only(tmp_path, tiny_model):
    with pytest.raises(ConfigError, match="mlm objective only"):
        adapter_config(tmp_path, tiny_model, objectives={
            "mlm": {"data": [{"text": "x/{lang}.txt"}]}, "alignment": {"data": [{"parallel": "tatoeba"}]}})
