"""Split a multilingual dataset by *item*: all translations of an item land in the same split.

The partition is drawn over the sorted unique ids with ``numpy.random.default_rng(seed)``, so it is the
same for every language, independent of row order, and reproducible.

>>> from xlt.corpus.schema import make_dataset
>>> ds = make_dataset({"id": [str(i) for i in range(10)] * 2, "lang": ["en"] * 10 + ["de"] * 10,
...                    "text": ["t"] * 20, "label": ["x"] * 20})
>>> parts = split_by_item(ds, train=0.6, dev=0.2, test=0.2, seed=0)
>>> {name: part.num_rows for name, part in parts.items()}
{'train': 12, 'dev': 4, 'test': 4}
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import datasets
import numpy as np

from xlt.corpus.schema import ID, LANG, values
from xlt.corpus.subset import select_ids, sorted_ids
from xlt.errors import ConfigError

SPLITS: tuple[str, ...] = ("train", "dev", "test")


def split_by_item(ds: datasets.Dataset, train: float = 0.7, dev: float = 0.1, test: float = 0.2,
                  seed: int = 0, group_by: str | None = None, group_language: str | None = None
                  ) -> datasets.DatasetDict:
    """Partition ``ds`` into ``train``/``dev``/``test`` by unique ``id`` (fractions of items, sum 1).

    ``group_by`` (a column, e.g. ``text``) keeps items together whose value in ``group_language``
    (default: the first row's language) is the same: in XNLI each premise has three hypotheses,
    and a premise seen in training with one label must not be tested with another.

    >>> from xlt.corpus.schema import make_dataset
    >>> ds = make_dataset({"id": ["a", "b"], "lang": ["en", "en"], "text": ["x", "y"], "label": ["l", "l"]})
    >>> split_by_item(ds, train=0.5, dev=0, test=0.5)["test"].num_rows
    1
    """
    fractions = {"train": train, "dev": dev, "test": test}
    if any(f < 0 for f in fractions.values()) or abs(sum(fractions.values()) - 1) > 1e-6:
        raise ConfigError(f"split fractions must be 0 or more and sum to 1, got {fractions}")
    groups = _item_groups(ds, group_by, group_language)
    keys = sorted_ids(groups)
    order = np.random.default_rng(seed).permutation(len(keys))
    n = len(keys)
    cut_train = round(n * train)
    cut_dev = min(n, max(cut_train, round(n * (train + dev))))
    bounds = {"train": (0, cut_train), "dev": (cut_train, cut_dev), "test": (cut_dev, n)}
    return datasets.DatasetDict({
        name: select_ids(ds, {item for i in order[start:stop] for item in groups[keys[i]]})
        for name, (start, stop) in bounds.items()
    })


def _item_groups(ds: datasets.Dataset, group_by: str | None, language: str | None) -> dict[str, list[str]]:
    """Group key -> item ids. Without ``group_by`` every item is its own group."""
    ids = values(ds, ID)
    if group_by is None:
        return {item: [item] for item in dict.fromkeys(ids)}
    if group_by not in ds.column_names:
        raise ConfigError(f"split.group_by: no column {group_by!r} (columns: {ds.column_names})")
    langs = values(ds, LANG)
    language = language or (langs[0] if langs else None)
    key_of = {item: f"{group_by}:{value}" for item, lang, value in zip(ids, langs, values(ds, group_by), strict=True)
              if lang == language}
    groups: dict[str, list[str]] = {}
    for item in dict.fromkeys(ids):
        groups.setdefault(key_of.get(item, f"id:{item}"), []).append(item)
    return groups


def split_manifest(parts: datasets.DatasetDict, **extra: Any) -> dict[str, Any]:
    """A JSON-able record of a split: per split the sorted item ids and rows per language, plus ``extra``.

    >>> from xlt.corpus.schema import make_dataset
    >>> ds = make_dataset({"id": ["2", "10"], "lang": ["en", "en"], "text": ["x", "y"], "label": ["l", "l"]})
    >>> split_manifest(datasets.DatasetDict(test=ds), seed=0)
    {'seed': 0, 'splits': {'test': {'ids': ['2', '10'], 'rows': 2, 'languages': {'en': 2}}}}
    """
    return {**extra, "splits": {
        name: {"ids": sorted_ids(values(part, ID)), "rows": part.num_rows,
               "languages": dict(sorted(Counter(values(part, LANG)).items()))}
        for name, part in parts.items()
    }}
