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
