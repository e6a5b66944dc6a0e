"""A disk cache of translations: SQLite keyed by (translator cache key, text).

SQLite gives atomic, concurrent-safe inserts for free (two runs sharing the cache cannot corrupt it),
which atomic-rename files could only give with one file per text. A batch is written in one
transaction after the backend returned all of it, so a backend that fails midway leaves nothing
half-written: the texts of the failed batch are simply not in the cache.

>>> import tempfile, pathlib
>>> cache = TranslationCache(pathlib.Path(tempfile.mkdtemp()) / "t.sqlite")
>>> cache.put("demo", {"hello": "hola"})
>>> cache.get("demo", ["hello", "bye"])
{'hello': 'hola'}
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from xlt.model.builtin import xlt_home

_SCHEMA = """CREATE TABLE IF NOT EXISTS translations (
    translator TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
    PRIMARY KEY (translator, source))"""
_CHUNK = 500  # SQLite caps the number of ? parameters per statement


def default_cache_path() -> Path:
    """``$XLT_HOME/translations.sqlite`` (``~/.cache/xlt`` when XLT_HOME is unset)."""
    return xlt_home() / "translations.sqlite"


class TranslationCache:
    """Translations stored on disk; ``get`` returns the cached subset, ``put`` adds a finished batch."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60)
        return db

    def get(self, translator: str, texts: Iterable[str]) -> dict[str, str]:
        texts = list(dict.fromkeys(texts))
        found: dict[str, str] = {}
        with self._connect() as db:
            for i in range(0, len(texts), _CHUNK):
                chunk = texts[i:i + _CHUNK]
                rows = db.execute(
                    f"SELECT source, target FROM translations WHERE translator = ? AND source IN "
                    f"({','.join('?' * len(chunk))})", [translator, *chunk])
                found.update(rows)
        return found

    def put(self, translator: str, translations: Mapping[str, str]) -> None:
        with self._connect() as db:  # one transaction: all of the batch or none of it
            db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?)",
                           [(translator, s, t) for s, t in translations.items()])

    def __len__(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
