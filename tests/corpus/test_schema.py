"""The corpus schema and validate_dataset."""

from __future__ import annotations

import datasets
import pytest

from xlt.corpus.schema import COLUMNS, PAIR_COLUMNS, is_pair, make_dataset, validate_dataset, values
from xlt.errors import DataError


def single(**overrides):
    cols = {"id": ["1", "2"], "lang": ["en", "en"], "text": ["a", "b"], "label": ["x", "y"]}
    cols.update(overrides)
    return cols


def test_make_dataset_columns_and_types():
    ds = make_dataset(single())
    assert tuple(ds.column_names) == COLUMNS and not is_pair(ds)
    pair = make_dataset({**single(), "text_pair": ["c", "d"]})
    assert tuple(pair.column_names) == PAIR_COLUMNS and is_pair(pair)
    assert all(f.dtype == "string" for f in pair.features.values())
    assert values(pair, "text_pair") == ["c", "d"]


def test_validate_accepts_good_data():
    ds = make_dataset(single())
    assert validate_dataset(ds, source="x") is ds


def test_validate_missing_and_extra_columns():
    with pytest.raises(DataError, match="missing column") as e:
        validate_dataset(datasets.Dataset.from_dict({"id": ["1"], "text": ["a"]}), source="s.jsonl")
    assert e.value.field == "lang" and str(e.value).startswith("s.jsonl: ")
    with pytest.raises(DataError, match="unexpected column") as e:
        validate_dataset(datasets.Dataset.from_dict({**single(), "extra": ["1", "2"]}))
    assert e.value.field == "extra"


def test_validate_types_empty_values_and_duplicates():
    with pytest.raises(DataError, match="must hold strings") as e:
        validate_dataset(datasets.Dataset.from_dict(single(label=[0, 1])))
    assert e.value.field == "label"
    with pytest.raises(DataError, match="empty value in row 1") as e:
        validate_dataset(make_dataset(single(text=["a", " "])))
    assert e.value.field == "text"
    with pytest.raises(DataError, match="occurs twice"):
        validate_dataset(make_dataset(single(id=["1", "1"])))
    validate_dataset(make_dataset(single(id=["1", "1"], lang=["en", "de"])))  # translations share an id
