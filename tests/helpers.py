"""Helpers the tests import (``from tests.helpers import ...``): the data folder, a tiny model, toy data.

Fixtures and hooks live in ``conftest.py``; everything a test module imports by name lives here, so no
test imports a conftest (pytest loads those itself, and importing one by name loads it a second time).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def data_root() -> Path:
    """``$XLT_DATA``, else the ``../shared/data`` beside the repo root."""
    return Path(os.environ.get("XLT_DATA") or REPO_ROOT.parent / "shared" / "data")


TINY_WORDS = [
    "the", "a", "cat", "dog", "sun", "moon", "red", "blue", "big", "small", "house", "car", "tree", "water",
    "der", "die", "das", "katze", "hund", "sonne", "mond", "rot", "blau", "haus", "auto", "baum", "wasser",
    "le", "la", "chat", "chien", "soleil", "lune", "rouge", "bleu", "maison", "voiture", "arbre", "eau",
]


def build_tiny_model(path: Path, prefix: str = "") -> Path:
    """A randomly initialised 2-layer BERT with a small XLM-R-style unigram tokenizer, saved at ``path``."""
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


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    """``rows`` as one JSON object per line (UTF-8, parent folders created); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


#: The toy task's words: colour words (label ``colour``) and things (label ``thing``) in en/de/fr.
COLOURS = {"en": ["red", "blue"], "de": ["rot", "blau"], "fr": ["rouge", "bleu"]}
THINGS = {"en": ["cat", "dog", "house", "car", "tree", "sun"], "de": ["katze", "hund", "haus", "auto", "baum", "sonne"],
          "fr": ["chat", "chien", "maison", "voiture", "arbre", "soleil"]}


def toy_rows(lang: str) -> list[dict]:
    """24 rows of the parallel two-label toy task in ``lang``; item ids are shared across languages."""
    rows = []
    for i in range(24):
        colour = i % 2 == 0
        word = COLOURS[lang][i % 2 == 0 and (i // 2) % 2] if colour else THINGS[lang][i % 6]
        rows.append({"id": f"item{i}", "text": f"{word} {THINGS[lang][(i * 7) % 6]}",
                     "label": "colour" if colour else "thing"})
    return rows


def run_doctests(module_name: str) -> tuple[int, int, int, str]:
    """Run the docstring examples of one module: ``(failed, attempted, skipped, report)``.

    ELLIPSIS and NORMALIZE_WHITESPACE are on; ``skipped`` counts the examples marked ``+SKIP``;
    ``report`` is doctest's own account of the failures. The environment an example changes (e.g.
    ``tracking_env``) is put back afterwards.
    """
    import doctest
    import importlib

    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    skipped = 0
    environ = dict(os.environ)
    try:
        for test in finder.find(module, module_name, globs=module.__dict__.copy()):
            skipped += sum(bool(example.options.get(doctest.SKIP)) for example in test.examples)
            runner.run(test, out=report.append)
    finally:
        os.environ.clear()
        os.environ.update(environ)
    return runner.failures, runner.tries, skipped, "".join(report)
