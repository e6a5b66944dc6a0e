"""Fixtures for the corpus tests: the real data folder and small files written in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


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


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write ``content`` (str as UTF-8, or bytes) to ``tmp_path / name`` and return the path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path

    return _write
