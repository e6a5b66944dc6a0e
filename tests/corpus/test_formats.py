"""Parquet files, save_to_disk folders, load_dataset data sets and in-memory tables as data specs: the same
column mapping and row checks as the table formats, errors naming the source, the row and the field."""

from __future__ import annotations

import re
from pathlib import Path

import datasets
import pandas as pd
import pytest

from xlt.corpus.config import DataConfig
from xlt.corpus.spec import DataSpec
from xlt.errors import ConfigError, DataError

ROWS = [{"sentence": f"text {i}", "gold": "pos" if i % 2 else "neg", "language": "en" if i < 6 else "de"}
        for i in range(12)]
MAPPING = {"text": "sentence", "label": "gold"}


def _bad(rows: list[dict], index: int, **change: object) -> list[dict]:
    """``rows`` with the 0-based row ``index`` changed (so the error names row ``index + 1``)."""
    return [{**row, **change} if i == index else row for i, row in enumerate(rows)]


def _parquet(path: Path, rows: list[dict]) -> Path:
    pd.DataFrame(rows).to_parquet(path)
    return path


def _load(spec: str | dict, **overrides: object) -> datasets.Dataset:
    return DataSpec.parse(spec, **overrides).load()


# parquet ------------------------------------------------------------------------------------------------------

def test_parquet_with_columns_and_lang_column(tmp_path: Path) -> None:
    path = _parquet(tmp_path / "data.parquet", ROWS)
    ds = _load({"format": "parquet", "path": str(path), "columns": MAPPING, "lang_column": "language"})
    assert ds.num_rows == 12 and sorted(set(ds["lang"][:])) == ["de", "en"]
    assert ds[0] == {"id": "0", "lang": "en", "text": "text 0", "label": "neg"}


def test_parquet_suffix_gives_format_and_lang_placeholder(tmp_path: Path) -> None:
    for lang in ("en", "de"):
        _parquet(tmp_path / f"{lang}.parquet", [{"text": f"{lang} a", "label": "x"}])
    spec = DataSpec.parse(str(tmp_path / "en.parquet"), languages=["en"])
    assert spec.format == "parquet"
    assert DataSpec.parse({"path": str(tmp_path / "en.parquet"), "languages": ["en"]}).format == "parquet"
    ds = _load(f"parquet:{tmp_path}/{{lang}}.parquet")
    assert ds["lang"][:] == ["de", "en"]


def test_parquet_empty_text_names_row_and_field(tmp_path: Path) -> None:
    path = _parquet(tmp_path / "data.parquet", _bad(ROWS, 6, sentence="  "))
    with pytest.raises(DataError) as e:
        _load({"format": "parquet", "path": str(path), "columns": MAPPING, "languages": ["en"]})
    assert str(e.value) == f"{path}: row 7: field 'sentence': empty text"


# save_to_disk ------------------------------------------------------------------------------------------------

def test_disk_dataset_dict_split_and_columns(tmp_path: Path) -> None:
    folder = tmp_path / "xnli"
    datasets.DatasetDict(train=datasets.Dataset.from_list(ROWS[:6]),
                         validation=datasets.Dataset.from_list(ROWS[6:])).save_to_disk(str(folder))
    ds = _load(f"disk:{folder}@validation", columns=MAPPING, lang_column="language")
    assert ds.num_rows == 6 and set(ds["lang"][:]) == {"de"}
    assert _load(f"arrow:{folder}@train", columns=MAPPING, languages=["en"]).num_rows == 6
    with pytest.raises(DataError, match=re.escape("has several splits; choose one with @SPLIT, one of ['train', "
                                                  "'validation']")):
        _load(f"disk:{folder}", columns=MAPPING, languages=["en"])


def test_disk_class_labels_give_names(tmp_path: Path) -> None:
    features = datasets.Features({"text": datasets.Value("string"),
                                  "label": datasets.ClassLabel(names=["neg", "pos"])})
    datasets.Dataset.from_dict({"text": ["a", "b"], "label": [1, 0]}, features=features).save_to_disk(
        str(tmp_path / "d"))
    assert _load(f"disk:{tmp_path / 'd'}", languages=["en"])["label"][:] == ["pos", "neg"]


def test_disk_missing_label_names_row_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    datasets.Dataset.from_list(_bad(ROWS, 2, gold=None)).save_to_disk(str(folder))
    with pytest.raises(DataError) as e:
        _load(f"disk:{folder}", columns=MAPPING, languages=["en"])
    assert str(e.value) == f"{folder}: row 3: field 'gold': missing field (the label field)"


# hf: (load_dataset on a local folder of data files; the hub is not reachable in tests) -------------------------

def _hf_folder(tmp_path: Path, rows: list[dict]) -> Path:
    folder = tmp_path / "hub_copy"
    (folder / "data").mkdir(parents=True)
    pd.DataFrame(rows).to_json(folder / "data" / "train.jsonl", orient="records", lines=True)
    return folder


def test_hf_local_folder(tmp_path: Path) -> None:
    folder = _hf_folder(tmp_path, ROWS)
    ds = _load(f"hf:{folder}@train", columns=MAPPING, lang_column="language")
    assert ds.num_rows == 12 and ds[11]["text"] == "text 11" and ds[11]["lang"] == "de"


def test_hf_empty_text_names_row_and_field(tmp_path: Path) -> None:
    folder = _hf_folder(tmp_path, _bad(ROWS, 4, sentence=""))
    with pytest.raises(DataError) as e:
        _load(f"hf:{folder}@train", columns=MAPPING, languages=["en"])
    assert str(e.value) == f"hf:{folder}@train: row 5: field 'sentence': empty text"


def test_hf_spec_string_keeps_config_and_split() -> None:
    spec = DataSpec.parse("hf:owner/name:cfg@validation", languages=["en"])
    assert (spec.format, spec.path) == ("hf", "owner/name:cfg@validation")


# in memory ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["frame", "dataset"])
def test_memory_with_columns(kind: str) -> None:
    data = pd.DataFrame(ROWS) if kind == "frame" else datasets.Dataset.from_list(ROWS)
    ds = DataSpec(format="memory", data=data, columns=MAPPING, lang_column="language").load()
    assert ds.num_rows == 12 and ds[6] == {"id": "6", "lang": "de", "text": "text 6", "label": "neg"}


@pytest.mark.parametrize("kind", ["frame", "dataset"])
def test_memory_bad_rows(kind: str) -> None:
    make = pd.DataFrame if kind == "frame" else datasets.Dataset.from_list
    with pytest.raises(DataError, match=r"^<in-memory \w+: 12 rows>: row 9: field 'gold': missing field"):
        DataSpec(format="memory", data=make(_bad(ROWS, 8, gold=None)), columns=MAPPING,
                 languages=["en"]).load()
    with pytest.raises(DataError, match=r"^<in-memory \w+: 12 rows>: row 2: field 'sentence': empty text$"):
        DataSpec(format="memory", data=make(_bad(ROWS, 1, sentence=" ")), columns=MAPPING,
                 languages=["en"]).load()


def test_pool_dataframe_splits_by_item() -> None:
    frame = pd.DataFrame([{"id": str(i % 20), "lang": lang, "text": f"{lang} {i}", "label": "ab"[i % 2]}
                          for lang in ("en", "de") for i in range(20)])
    cfg = DataConfig(pool=frame, source_languages=["en"], target_languages=["de"])
    parts = cfg.load()
    ids = {name: set(parts[name]["id"][:]) for name in parts}
    assert not ids["train"] & ids["test"] and not ids["dev"] & ids["test"]
    assert set(parts["test"]["lang"][:]) == {"en", "de"}
    manifest = cfg.split_manifest()
    assert manifest["data"]["pool"] == {"format": "memory", "path": "<in-memory DataFrame: 40 rows>"}


def test_memory_spec_dumps_a_placeholder_that_does_not_load_back() -> None:
    cfg = DataConfig(train=datasets.Dataset.from_list(ROWS[:6]), test=pd.DataFrame(ROWS),
                     source_languages=["en"])
    dumped = cfg.model_dump(mode="json", exclude_none=True)
    assert dumped["train"] == {"format": "memory", "path": "<in-memory Dataset: 6 rows>"}
    with pytest.raises(ValueError, match="needs its data object, given in Python"):
        DataConfig.model_validate(dumped)
    with pytest.raises(ConfigError, match="goes with format memory"):
        DataSpec.parse({"format": "parquet", "path": "x.parquet", "data": pd.DataFrame(ROWS)})


def test_train_config_to_yaml_with_a_dataframe() -> None:
    from xlt.finetune.config import TrainConfig

    frame = pd.DataFrame([{"id": i, "lang": lang, "text": f"{lang} {i}", "label": "ab"[i % 2]}
                          for lang in ("en", "de") for i in range(10)])
    cfg = TrainConfig(name="mem", data=DataConfig(pool=frame, source_languages=["en"]))
    text = cfg.to_yaml()
    assert "format: memory" in text and "path: '<in-memory DataFrame: 20 rows>'" in text
    assert cfg.data.load()["train"].num_rows > 0


# tagging and QA rows ------------------------------------------------------------------------------------------

NER = datasets.Features({"words": datasets.List(datasets.Value("string")),
                         "ner_tags": datasets.List(datasets.ClassLabel(names=["O", "B-PER", "I-PER"]))})
TAGGED = [{"words": ["Bob", "Smith", "ran"], "ner_tags": [1, 2, 0]}, {"words": ["Hi"], "ner_tags": [0]}]
TAG_COLUMNS = {"tokens": "words", "tags": "ner_tags"}
QA = [{"id": "q1", "question": "Who ran?", "context": "Bob ran.", "answers": {"text": ["Bob"], "answer_start": [0]}},
      {"id": "q2", "question": "What?", "context": "It ran.", "answers": {"text": ["ran"], "answer_start": [3]}}]


def _tagged(rows: list[dict] = TAGGED) -> datasets.Dataset:
    """Tagging rows with integer ``ner_tags`` that a ``ClassLabel`` names, as conll2003/wikiann have."""
    return datasets.Dataset.from_list(rows, features=NER)


def _write(kind: str, data: datasets.Dataset, tmp_path: Path) -> str:
    """``data`` as a spec of format ``kind`` (memory: the in-memory Dataset, which keeps its features)."""
    if kind == "parquet":
        data.to_parquet(str(tmp_path / "d.parquet"))
        return f"parquet:{tmp_path / 'd.parquet'}"
    if kind == "disk":
        data.save_to_disk(str(tmp_path / "d"))
        return f"disk:{tmp_path / 'd'}"
    (tmp_path / "hub" / "data").mkdir(parents=True)
    data.to_parquet(str(tmp_path / "hub" / "data" / "train-00000.parquet"))
    return f"hf:{tmp_path / 'hub'}@train"


def _read(kind: str, data: datasets.Dataset, tmp_path: Path, **fields: object) -> datasets.Dataset:
    if kind == "memory":
        return DataSpec(format="memory", data=data, languages=["en"], **fields).load()
    return _load(_write(kind, data, tmp_path), languages=["en"], **fields)


@pytest.mark.parametrize("kind", ["parquet", "disk", "hf", "memory"])
def test_tagging_rows_with_class_label_tags(kind: str, tmp_path: Path) -> None:
    ds = _read(kind, _tagged(), tmp_path, layout="tagging", columns=TAG_COLUMNS)
    assert ds.column_names == ["id", "lang", "tokens", "tags"]
    assert ds[0] == {"id": "0", "lang": "en", "tokens": ["Bob", "Smith", "ran"], "tags": ["B-PER", "I-PER", "O"]}


@pytest.mark.parametrize("kind", ["parquet", "disk", "hf", "memory"])
def test_qa_rows(kind: str, tmp_path: Path) -> None:
    ds = _read(kind, datasets.Dataset.from_list(QA), tmp_path, layout="qa")
    assert ds.column_names == ["id", "lang", "question", "context", "answers"]
    assert ds[1] == {"id": "q2", "lang": "en", "question": "What?", "context": "It ran.",
                     "answers": {"text": ["ran"], "answer_start": [3]}}


def test_tagging_and_qa_from_a_dataframe() -> None:
    frame = pd.DataFrame([{"words": ["Hi", "Bob"], "labels": ["O", "B-PER"], "language": "de"}])
    ds = DataSpec(format="memory", data=frame, layout="tagging", lang_column="language",
                  columns={"tokens": "words", "tags": "labels"}).load()
    assert ds[0] == {"id": "0", "lang": "de", "tokens": ["Hi", "Bob"], "tags": ["O", "B-PER"]}
    qa = DataSpec(format="memory", data=pd.DataFrame(QA), layout="qa", languages=["en"]).load()
    assert qa["answers"][:] == [row["answers"] for row in QA]


@pytest.mark.parametrize("kind", ["parquet", "disk", "hf", "memory"])
def test_tagging_bad_row_named_by_number(kind: str, tmp_path: Path) -> None:
    bad = _tagged(_bad(TAGGED, 1, ner_tags=[0, 0]))
    with pytest.raises(DataError, match=r": row 2: field 'ner_tags': 1 tokens but 2 tags; give one tag per token$"):
        _read(kind, bad, tmp_path, layout="tagging", columns=TAG_COLUMNS)


def test_tagging_empty_token_named_by_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    _tagged(_bad(TAGGED, 1, words=[" "])).to_parquet(str(path))
    with pytest.raises(DataError) as e:
        _load(f"parquet:{path}", languages=["en"], layout="tagging", columns=TAG_COLUMNS)
    assert str(e.value) == f"{path}: row 2: field 'words': empty value at position 0"


@pytest.mark.parametrize("kind", ["parquet", "disk", "hf", "memory"])
def test_qa_answer_off_its_offset_named_by_row(kind: str, tmp_path: Path) -> None:
    bad = datasets.Dataset.from_list(_bad(QA, 1, answers={"text": ["ran"], "answer_start": [2]}))
    with pytest.raises(DataError, match=r": row 2: field 'answers.answer_start': answer 0, 'ran', is not at "
                                        r"answer_start 2 of the context$"):
        _read(kind, bad, tmp_path, layout="qa")


def test_qa_columns_mapped_and_missing_answers_named(tmp_path: Path) -> None:
    rows = [{"qid": r["id"], "q": r["question"], "passage": r["context"], "gold": r["answers"]} for r in QA]
    mapping = {"id": "qid", "question": "q", "context": "passage", "answers": "gold"}
    ds = DataSpec(format="memory", data=datasets.Dataset.from_list(rows), layout="qa", columns=mapping,
                  languages=["en"]).load()
    assert ds["id"][:] == ["q1", "q2"] and ds[0]["answers"] == QA[0]["answers"]
    path = _parquet(tmp_path / "qa.parquet", [{k: v for k, v in r.items() if k != "gold"} for r in rows])
    with pytest.raises(DataError, match=r"qa.parquet: row 1: field 'gold': missing field \(the answers field\)"):
        _load(f"parquet:{path}", layout="qa", columns=mapping, languages=["en"])


def test_layout_spec_checks() -> None:
    spec = DataSpec.parse("hf:conll2003@validation", layout="tagging", columns={"tags": "ner_tags"},
                          languages=["en"])
    assert spec.layout == "tagging" and spec.model_dump(exclude_none=True)["layout"] == "tagging"
    assert "layout" not in DataSpec.parse("squad:x.json", languages=["en"]).model_dump(exclude_none=True)
    with pytest.raises(ConfigError, match="not fields of tagging data"):
        DataSpec.parse("parquet:x.parquet", layout="tagging", columns={"text": "sentence"}, languages=["en"])
    with pytest.raises(ConfigError, match="unknown layout 'parsing'"):
        DataSpec.parse("parquet:x.parquet", layout="parsing", languages=["en"])
    with pytest.raises(ConfigError, match="format squad gives qa data, not tagging"):
        DataSpec.parse("squad:x.json", layout="tagging", languages=["en"])


@pytest.mark.parametrize("task,layout,spec", [
    ("tagging", "tagging", {"format": "hf", "path": "conll2003@train", "columns": TAG_COLUMNS}),
    ("qa", "qa", {"format": "parquet", "path": "squad/{lang}.parquet"}),
])
def test_train_config_takes_tagging_and_qa_row_specs(task: str, layout: str, spec: dict) -> None:
    from xlt.finetune.config import TrainConfig

    data = {"train": {**spec, "layout": layout, "languages": ["en"]}, "test": {**spec, "layout": layout}}
    cfg = TrainConfig.model_validate({"name": "rows", "task": task, "data": data})
    assert cfg.data.layout == layout and cfg.data.train.columns == DataSpec.parse(data["train"]).columns
    with pytest.raises(ValueError, match=f"task 'classification' reads classification tables, but the data "
                                         f"specs give {layout}"):
        TrainConfig.model_validate({"name": "rows", "task": "classification", "data": data})
