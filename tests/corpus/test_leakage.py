"""The train/test id-overlap check."""

from __future__ import annotations

import pytest

from xlt.corpus.leakage import check_no_leakage, shared_ids
from xlt.corpus.schema import make_dataset
from xlt.errors import DataError


def ds(ids, lang="en"):
    n = len(ids)
    return make_dataset({"id": ids, "lang": [lang] * n, "text": ["t"] * n, "label": ["x"] * n})


def test_translation_of_a_train_item_is_a_leak():
    assert shared_ids(ds(["1", "2"], "de"), ds(["2", "3"], "en")) == ["2"]
    with pytest.raises(DataError, match="1 test item\\(s\\) also occur in dev") as e:
        check_no_leakage(ds(["2"], "de"), train=ds(["1"]), dev=ds(["2"]))
    assert e.value.field == "id"


def test_disjoint_is_fine():
    check_no_leakage(ds(["9"]), train=ds(["1"]), dev=ds(["2"]))
