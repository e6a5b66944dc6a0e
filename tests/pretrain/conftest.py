"""Fixtures for the pretraining tests: tiny in-memory corpora and an objective context on the tiny model."""

from __future__ import annotations

from pathlib import Path

import pytest

COLOURS = {"en": ["red", "blue"], "de": ["rot", "blau"], "fr": ["rouge", "bleu"]}
THINGS = {"en": ["cat", "dog", "house", "car", "tree", "sun"], "de": ["katze", "hund", "haus", "auto", "baum", "sonne"],
          "fr": ["chat", "chien", "maison", "voiture", "arbre", "soleil"]}

MONO = {
    "en": [f"the {c} {t}" for c in COLOURS["en"] for t in THINGS["en"]] + ["a big house", "the small car"],
    "de": [f"die {c} {t}" for c in COLOURS["de"] for t in THINGS["de"]] + ["das haus", "der baum"],
    "fr": [f"la {c} {t}" for c in COLOURS["fr"] for t in THINGS["fr"]] + ["le chat", "la lune"],
}
PAIRS = {
    f"{lang}-en": [(f"{THINGS[lang][i]} {COLOURS[lang][i % 2]}", f"{THINGS['en'][i]} {COLOURS['en'][i % 2]}")
                   for i in range(6)]
    for lang in ("de", "fr")
}


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
