"""Fixtures for the pretraining tests: the tiny model's tokenizer, spec and MLM model, an objective context."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_tokenizer(tiny_model: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model)


@pytest.fixture
def tiny_spec(tiny_model: Path):
    from xlt.model.spec import ModelSpec

    return ModelSpec(name=str(tiny_model), max_length=32)


@pytest.fixture
def tiny_mlm(tiny_spec):
    from xlt.pretrain.mlm_model import load_masked_lm

    return load_masked_lm(tiny_spec)


@pytest.fixture
def make_ctx(tiny_tokenizer, tiny_spec):
    from xlt.pretrain.objectives import ObjectiveContext

    def make(**kwargs) -> ObjectiveContext:
        return ObjectiveContext(tokenizer=tiny_tokenizer, spec=tiny_spec, max_length=32, **kwargs)

    return make
