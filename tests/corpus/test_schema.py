"""The corpus schema and validate_dataset."""

from __future__ import annotations

import datasets
import pytest

from xlt.corpus.schema import (
    COLUMNS,
    LAYOUTS,
    PAIR_COLUMNS,
    QA_COLUMNS,
    TAGGING_COLUMNS,
    get_layout,
    is_pair,
    layout_of,
    make_dataset,
    validate_dataset,
    values,
)
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


# ---- tagging and QA schemas -----------------------------------------------------------------------------

def tagging(**overrides):
    cols = {"id": ["s1", "s2"], "lang": ["en", "en"], "tokens": [["Bob", "ran"], ["Hi"]],
            "tags": [["B-PER", "O"], ["O"]]}
    cols.update(overrides)
    return cols


def qa(**overrides):
    cols = {"id": ["q1"], "lang": ["de"], "question": ["Wer?"], "context": ["Bob lief."],
            "answers": [{"text": ["Bob"], "answer_start": [0]}]}
    cols.update(overrides)
    return cols


def test_layouts_and_features():
    assert {name: layout.columns for name, layout in LAYOUTS.items()} == {
        "classification": COLUMNS, "tagging": TAGGING_COLUMNS, "qa": QA_COLUMNS}
    assert get_layout("tagging").features() == datasets.Features({
        "id": datasets.Value("string"), "lang": datasets.Value("string"),
        "tokens": datasets.List(datasets.Value("string")), "tags": datasets.List(datasets.Value("string"))})
    assert get_layout("qa").features()["answers"] == {"text": datasets.List(datasets.Value("string")),
                                                      "answer_start": datasets.List(datasets.Value("int32"))}
    assert get_layout("classification").column_names(pair=True) == PAIR_COLUMNS
    with pytest.raises(ValueError, match="unknown layout"):
        get_layout("parsing")


def test_make_and_validate_tagging_and_qa():
    tagged = validate_dataset(make_dataset(tagging()))
    assert tuple(tagged.column_names) == TAGGING_COLUMNS and layout_of(tagged.column_names) == "tagging"
    assert values(tagged, "tokens") == [["Bob", "ran"], ["Hi"]]
    answered = validate_dataset(make_dataset(qa()))
    assert tuple(answered.column_names) == QA_COLUMNS and answered.features == get_layout("qa").features()
    unanswered = make_dataset(qa(answers=[{"text": [], "answer_start": []}]))
    validate_dataset(unanswered)


@pytest.mark.parametrize("overrides,field,match", [
    ({"tags": [["B-PER"], ["O"]]}, "tags", "2 tokens but 1 tags"),
    ({"tokens": [[], ["Hi"]], "tags": [[], ["O"]]}, "tokens", "no tokens in row 0"),
    ({"tokens": [["Bob", " "], ["Hi"]]}, "tokens", "empty value at position 1 in row 0"),
    ({"id": ["s1", "s1"]}, "id", "occurs twice"),
])
def test_validate_bad_tagging(overrides, field, match):
    with pytest.raises(DataError, match=match) as e:
        validate_dataset(make_dataset(tagging(**overrides)), source="ner.iob2")
    assert e.value.field == field


def test_validate_bad_qa():
    with pytest.raises(DataError, match="'Bob', is not at answer_start 1") as e:
        validate_dataset(make_dataset(qa(answers=[{"text": ["Bob"], "answer_start": [1]}])))
    assert e.value.field == "answer_start"
    with pytest.raises(DataError, match="empty value") as e:
        validate_dataset(make_dataset(qa(question=[" "])))
    assert e.value.field == "question"
    with pytest.raises(DataError, match="missing column") as e:
        validate_dataset(datasets.Dataset.from_dict({k: v for k, v in qa().items() if k != "answers"}))
    assert e.value.field == "answers"
    with pytest.raises(DataError, match="lists of strings") as e:
        validate_dataset(datasets.Dataset.from_dict(tagging(tags=[[1, 2], [3]])))
    assert e.value.field == "tags"
