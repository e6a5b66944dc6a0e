"""Check that no test item (or a translation of it) was seen in training or model selection.

>>> from xlt.corpus.schema import make_dataset
>>> def ds(ids): return make_dataset({"id": ids, "lang": ["en"] * len(ids), "text": ["t"] * len(ids),
...                                   "label": ["x"] * len(ids)})
>>> shared_ids(ds(["1", "2"]), ds(["2", "3"]))
['2']
"""

from __future__ import annotations

import datasets

from xlt.corpus.schema import ID, values
from xlt.corpus.subset import sorted_ids
from xlt.errors import DataError


def shared_ids(a: datasets.Dataset, b: datasets.Dataset) -> list[str]:
    """The item ids that occur in both ``a`` and ``b`` (in any language), sorted."""
    return sorted_ids(set(values(a, ID)) & set(values(b, ID)))


def check_no_leakage(test: datasets.Dataset, **seen: datasets.Dataset) -> None:
    """Raise :class:`DataError` if an id of ``test`` occurs in any of the ``seen`` splits (e.g. train=...).

    >>> from xlt.corpus.schema import make_dataset
    >>> one = make_dataset({"id": ["7"], "lang": ["de"], "text": ["t"], "label": ["x"]})
    >>> check_no_leakage(one, train=one)
    Traceback (most recent call last):
    ...
    xlt.errors.DataError: field 'id': 1 test item(s) also occur in train (e.g. ['7']); ...
    """
    for name, part in seen.items():
        both = shared_ids(test, part)
        if both:
            raise DataError(
                f"{len(both)} test item(s) also occur in {name} (e.g. {both[:5]}); a translation of a "
                f"{name} item must not be tested. Split one parallel pool by item (data.pool), use disjoint "
                "files, or set data.allow_overlap: true if the ids of these files are unrelated", field=ID)
