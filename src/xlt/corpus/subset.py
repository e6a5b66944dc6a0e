"""Pick rows of a corpus dataset by language or by item id.

>>> from xlt.corpus.schema import make_dataset, values
>>> ds = make_dataset({"id": ["1", "1", "2"], "lang": ["en", "de", "en"], "text": ["a", "b", "c"],
...                    "label": ["x", "x", "y"]})
>>> values(select_languages(ds, ["de"]), "text"), values(select_ids(ds, {"2"}), "text")
(['b'], ['c'])
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import datasets

from xlt.corpus.schema import ID, LANG, values


def select_languages(ds: datasets.Dataset, languages: Collection[str]) -> datasets.Dataset:
    """The rows of ``ds`` whose language is in ``languages`` (row order kept)."""
    wanted = set(languages)
    return ds.select([i for i, lang in enumerate(values(ds, LANG)) if lang in wanted])


def select_ids(ds: datasets.Dataset, ids: Collection[str]) -> datasets.Dataset:
    """The rows of ``ds`` whose item id is in ``ids`` (row order kept)."""
    wanted = set(ids)
    return ds.select([i for i, item in enumerate(values(ds, ID)) if item in wanted])


def natural_key(item_id: str) -> tuple[int, int, str]:
    """Sort key that puts numeric ids in numeric order ("2" before "10"), then other ids.

    >>> sorted(["10", "b", "2"], key=natural_key)
    ['2', '10', 'b']
    """
    return (0, int(item_id), "") if item_id.isdigit() else (1, 0, item_id)


def sorted_ids(ids: Iterable[str]) -> list[str]:
    """The distinct ids in ``ids``, in :func:`natural_key` order.

    >>> sorted_ids(["3", "1", "3"])
    ['1', '3']
    """
    return sorted(set(ids), key=natural_key)
