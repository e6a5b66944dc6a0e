"""DataConfig: separate files or one pool, language selection, leakage check and the split manifest."""

from __future__ import annotations

import json
import logging

import pytest
from pydantic import ValidationError

from xlt.corpus.config import DataConfig, SplitConfig
from xlt.corpus.schema import values
from xlt.errors import ConfigError, DataError


@pytest.fixture
def parallel_files(write, tmp_path):
    """A 3-language line-aligned corpus of 40 items (ids = row index), one TSV per language."""
    for lang in ("en", "de", "fr"):
        write(f"p/{lang}.tsv", "text\tlabel\n" + "".join(f"{lang} {i}\t{i % 2}\n" for i in range(40)))
    return str(tmp_path / "p" / "{lang}.tsv")


def langs(ds):
    return sorted(set(values(ds, "lang")))


def test_pool_split_by_item(parallel_files):
    cfg = DataConfig(pool=f"tsv:{parallel_files}", source_languages=["en"], split={"seed": 1})
    parts = cfg.load()
    assert langs(parts["train"]) == langs(parts["dev"]) == ["en"]
    assert langs(parts["test"]) == ["de", "en", "fr"]
    assert (parts["train"].num_rows, parts["dev"].num_rows, parts["test"].num_rows) == (28, 4, 24)
    assert not set(values(parts["test"], "id")) & set(values(parts["train"], "id"))
    manifest = cfg.split_manifest()
    assert manifest["seed"] == 1 and manifest["target_languages"] == ["de", "fr"]
    assert len(manifest["splits"]["test"]["ids"]) == 8
    json.dumps(manifest)  # storable with the run


def test_target_languages_and_default_sources(parallel_files):
    parts = DataConfig(pool=f"tsv:{parallel_files}", source_languages=["en"], target_languages=["fr"]).load()
    assert langs(parts["test"]) == ["en", "fr"]
    everything = DataConfig(pool=f"tsv:{parallel_files}").load()
    assert langs(everything["train"]) == langs(everything["test"]) == ["de", "en", "fr"]


def test_separate_files_dev_carved_by_item(write, tmp_path):
    write("train.jsonl", "".join(f'{{"id": "t{i}", "text": "x {i}", "label": "a"}}\n' for i in range(80)))
    write("de_test.jsonl", "".join(f'{{"id": "s{i}", "text": "y {i}", "label": "a"}}\n' for i in range(10)))
    test = {"format": "jsonl", "path": str(tmp_path / "de_test.jsonl"), "languages": ["de"]}
    cfg = DataConfig(train=str(tmp_path / "train.jsonl"), test=test, source_languages=["en"])
    parts = cfg.load()
    assert (parts["train"].num_rows, parts["dev"].num_rows, parts["test"].num_rows) == (70, 10, 10)
    assert not set(values(parts["dev"], "id")) & set(values(parts["train"], "id"))
    assert cfg.split_manifest()["target_languages"] == ["de"]


def test_leak_between_separate_parallel_files_fails_loudly(parallel_files):
    spec = f"tsv:{parallel_files}"
    cfg = DataConfig(train=spec, test=spec, source_languages=["en"], target_languages=["de"])
    with pytest.raises(DataError, match="test item\\(s\\) also occur in train"):
        cfg.load()


def test_allow_overlap_warns(parallel_files, caplog):
    spec = f"tsv:{parallel_files}"
    cfg = DataConfig(train=spec, dev=spec, test=spec, source_languages=["en"], target_languages=["de"],
                     allow_overlap=True)
    with caplog.at_level(logging.WARNING, logger="xlt.corpus"):
        cfg.load()
    assert "allow_overlap" in caplog.text and "dev item(s) also occur in train" in caplog.text


def test_missing_languages_are_data_errors(parallel_files):
    with pytest.raises(DataError, match="source_languages \\['sw'\\] not in the train data"):
        DataConfig(pool=f"tsv:{parallel_files}", source_languages=["sw"]).load()
    with pytest.raises(DataError, match="target_languages \\['sw'\\] not in the test data"):
        DataConfig(pool=f"tsv:{parallel_files}", source_languages=["en"], target_languages=["sw"]).load()


@pytest.mark.parametrize("fields,match", [
    ({"pool": "xnli", "train": "xnli"}, "either pool"),
    ({"train": "xnli"}, "give train and test"),
    ({"pool": "xnli", "source_languages": []}, "non-empty"),
    ({"pool": "xnli", "split": {"train": 0.5, "dev": 0.1, "test": 0.1}}, "must be 1"),
    ({"pool": "nonsense"}, "cannot read the data spec"),
])
def test_config_validation(fields, match):
    with pytest.raises(ValidationError, match=match):
        DataConfig(**fields)


def test_manifest_before_load():
    with pytest.raises(ConfigError, match="load"):
        DataConfig(pool="xnli").split_manifest()


def test_split_config_defaults():
    assert SplitConfig().model_dump() == {"train": 0.7, "dev": 0.1, "test": 0.2, "seed": 0, "group_by": None}


def test_real_sib200_recipe_has_no_leak(xlt_data):
    cfg = DataConfig(train="sib200:$XLT_DATA/sib200/{lang}/train.tsv",
                     dev="sib200:$XLT_DATA/sib200/{lang}/dev.tsv",
                     test="sib200:$XLT_DATA/sib200/{lang}/test.tsv", source_languages=["eng_Latn"],
                     target_languages=["deu_Latn", "spa_Latn", "fra_Latn", "zho_Hans"])
    parts = cfg.load()
    assert (parts["train"].num_rows, parts["dev"].num_rows, parts["test"].num_rows) == (701, 99, 5 * 204)
    assert langs(parts["test"]) == ["deu_Latn", "eng_Latn", "fra_Latn", "spa_Latn", "zho_Hans"]


def test_real_xnli_pool(xlt_data):
    parts = DataConfig(pool={"format": "xnli", "languages": ["en", "de"]}, source_languages=["en"]).load()
    test_ids = set(values(parts["test"], "id"))
    assert not test_ids & set(values(parts["train"], "id")) and not test_ids & set(values(parts["dev"], "id"))
    assert langs(parts["test"]) == ["de", "en"] and parts["test"].num_rows == 2 * len(test_ids)
