"""The one table layout every corpus reader returns, and a check for it.

Columns: ``id`` (item id, shared by the translations of one item), ``lang``, ``text``,
``text_pair`` (sentence-pair data only) and ``label`` (the label *name*; labels stay strings).

>>> ds = make_dataset({"id": ["1"], "lang": ["en"], "text": ["Hi"], "label": ["greeting"]})
>>> validate_dataset(ds, source="demo").column_names
['id', 'lang', 'text', 'label']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import datasets

from xlt.errors import DataError

ID = "id"
LANG = "lang"
TEXT = "text"
TEXT_PAIR = "text_pair"
LABEL = "label"

#: Column order of a single-text dataset.
COLUMNS: tuple[str, ...] = (ID, LANG, TEXT, LABEL)
#: Column order of a sentence-pair dataset.
PAIR_COLUMNS: tuple[str, ...] = (ID, LANG, TEXT, TEXT_PAIR, LABEL)
#: Columns whose values must not be empty or blank.
NON_EMPTY: tuple[str, ...] = (ID, LANG, TEXT, TEXT_PAIR, LABEL)


def column_names(pair: bool) -> tuple[str, ...]:
    """The schema's column names, with ``text_pair`` when ``pair`` is true.

    >>> column_names(pair=True)
    ('id', 'lang', 'text', 'text_pair', 'label')
    """
    return PAIR_COLUMNS if pair else COLUMNS


def features(pair: bool) -> datasets.Features:
    """The ``datasets.Features`` of the schema: every column is a string.

    >>> list(features(pair=False))
    ['id', 'lang', 'text', 'label']
    """
    return datasets.Features({name: datasets.Value("string") for name in column_names(pair)})


def make_dataset(columns: Mapping[str, Sequence[str]], *, pair: bool | None = None) -> datasets.Dataset:
    """Build a schema dataset from column lists (``pair`` defaults to whether ``text_pair`` is given).

    >>> make_dataset({"id": [], "lang": [], "text": [], "label": []}).num_rows
    0
    """
    if pair is None:
        pair = TEXT_PAIR in columns
    names = column_names(pair)
    return datasets.Dataset.from_dict({n: list(columns[n]) for n in names}, features=features(pair))


def values(ds: datasets.Dataset, name: str) -> list:
    """All values of column ``name`` as a list (fast: one slice, not a per-row loop).

    >>> values(make_dataset({"id": ["a"], "lang": ["en"], "text": ["t"], "label": ["l"]}), "lang")
    ['en']
    """
    return list(ds[name][:])


def is_pair(ds: datasets.Dataset) -> bool:
    """Whether ``ds`` holds sentence pairs (has a ``text_pair`` column).

    >>> is_pair(make_dataset({"id": [], "lang": [], "text": [], "label": []}))
    False
    """
    return TEXT_PAIR in ds.column_names


def validate_dataset(ds: datasets.Dataset, *, source: str | Path | None = None) -> datasets.Dataset:
    """Check that ``ds`` follows the schema; return it unchanged, or raise :class:`DataError`.

    Checks: exactly the schema's columns (in any order), all string-typed, no empty or blank value,
    and no ``(id, lang)`` pair twice. ``source`` names the data in the error message.

    >>> bad = datasets.Dataset.from_dict({"id": ["1"], "text": ["x"]})
    >>> validate_dataset(bad, source="x.jsonl")
    Traceback (most recent call last):
    ...
    xlt.errors.DataError: x.jsonl: field 'lang': missing column; ...
    """
    where = source if source is not None else "dataset"
    have = list(ds.column_names)
    expected = column_names(TEXT_PAIR in have)
    for name in expected:
        if name not in have:
            raise DataError(f"missing column; a corpus dataset has the columns {list(expected)}, "
                            f"this one has {have}", path=where, field=name)
    for name in have:
        if name not in expected:
            raise DataError(f"unexpected column; a corpus dataset has exactly the columns {list(expected)}",
                            path=where, field=name)
        dtype = getattr(ds.features[name], "dtype", None)
        if dtype not in ("string", "large_string"):
            raise DataError(f"column must hold strings, it holds {ds.features[name]}", path=where, field=name)
    for name in expected:
        for row, value in enumerate(values(ds, name)):
            if value is None or not value.strip():
                raise DataError(f"empty value in row {row} (0-based)", path=where, field=name)
    seen: set[tuple[str, str]] = set()
    for row, key in enumerate(zip(values(ds, ID), values(ds, LANG), strict=True)):
        if key in seen:
            raise DataError(f"id {key[0]!r} occurs twice in language {key[1]!r} (row {row}, 0-based); "
                            "an id names one item per language", path=where, field=ID)
        seen.add(key)
    return ds
