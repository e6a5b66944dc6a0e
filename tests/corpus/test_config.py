"""DataConfig: separate files or one pool, language selection, leakage check and the split manifest."""

from __future__ import annotations

import json
import logging
from collections import Counter

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


# ---- tagging and QA data ---------------------------------------------------------------------------------

def iob2(ids, words=("Bob", "ran")):
    return "".join(f"# sent_id = {i}\n1\t{words[0]}\tB-PER\t-\t-\n2\t{words[1]}\tO\t-\t-\n\n" for i in ids)


@pytest.fixture
def ner_files(write, tmp_path):
    """en train (ids t0..t19), en/de/zh test files (ids p0..p4, parallel) and a second zh test (g0..g2)."""
    write("ner/en_train.iob2", iob2([f"t{i}" for i in range(20)]))
    for lang in ("en", "de", "zh"):
        write(f"ner/{lang}_pud.iob2", iob2([f"p{i}" for i in range(5)]))
    write("ner/zh_gsd.iob2", iob2([f"g{i}" for i in range(3)]))
    return tmp_path / "ner"


def test_list_of_test_specs_two_of_one_language_need_a_name(ner_files):
    tests = [{"format": "iob2", "path": str(ner_files / f"{lang}_pud.iob2"), "languages": [lang]}
             for lang in ("de", "zh")]
    gsd = {"format": "iob2", "path": str(ner_files / "zh_gsd.iob2"), "languages": ["zh"]}
    train = f"iob2:{ner_files}/en_train.iob2"
    with pytest.raises(ConfigError, match="test specs 2 .* and 3 .* both give language 'zh'; give one a name"):
        DataConfig(train=train, test=[*tests, gsd], source_languages=["en"]).load()
    cfg = DataConfig(train=train, test=[*tests, {**gsd, "name": "zh-gsd"}], source_languages=["en"])
    parts = cfg.load()
    assert cfg.layout == "tagging" and parts["test"].column_names == ["id", "lang", "tokens", "tags"]
    assert langs(parts["test"]) == ["de", "zh", "zh-gsd"] and parts["test"].num_rows == 13
    assert (parts["train"].num_rows, parts["dev"].num_rows) == (18, 2)  # dev carved from train by item
    assert cfg.split_manifest()["target_languages"] == ["de", "zh", "zh-gsd"]
    assert cfg.source_of("test") == ", ".join(t["path"] for t in [*tests, gsd])


def test_list_of_train_specs_is_merged_but_ids_must_not_repeat(ner_files, write):
    write("ner/en_more.iob2", iob2(["m0", "m1"]))
    test = f"iob2:{ner_files}/{{lang}}_pud.iob2"
    cfg = DataConfig(train=[f"iob2:{ner_files}/en_train.iob2", f"iob2:{ner_files}/en_more.iob2"], test=test,
                     source_languages=["en"], split={"train": 0.9, "dev": 0.1, "test": 0.0})
    parts = cfg.load()
    assert parts["train"].num_rows + parts["dev"].num_rows == 22
    assert langs(parts["test"]) == ["de", "en", "zh"]
    write("ner/en_again.iob2", iob2(["t3"]))
    again = DataConfig(train=[f"iob2:{ner_files}/en_train.iob2", f"iob2:{ner_files}/en_again.iob2"], test=test,
                       source_languages=["en"])
    with pytest.raises(DataError, match="train specs 1 .* and 2 .* both have id 't3' in language 'en'"):
        again.load()


def test_leakage_check_on_tagging_ids(ner_files):
    spec = f"iob2:{ner_files}/{{lang}}_pud.iob2"
    with pytest.raises(DataError, match="test item\\(s\\) also occur in train"):
        DataConfig(train=spec, test=spec, source_languages=["en"], target_languages=["de"]).load()


def test_index_ids_of_two_files_overlap_unless_allowed(write, tmp_path):
    """CoNLL-2002/token-TSV ids are sentence indices: train and test files share them."""
    write("esp.train", "".join(f"w{i} X B-PER\n\n" for i in range(10)))
    write("esp.testb", "".join(f"v{i} X O\n\n" for i in range(4)))
    fields = {"train": f"conll2002:{tmp_path}/esp.train", "source_languages": ["es"],
              "test": {"format": "conll2002", "path": str(tmp_path / "esp.testb"), "languages": ["es"]}}
    with pytest.raises(DataError, match="test item\\(s\\) also occur in train"):
        DataConfig(**fields).load()
    assert DataConfig(**fields, allow_overlap=True).load()["test"].num_rows == 4


def test_specs_of_different_layouts_are_rejected(ner_files):
    with pytest.raises(ValidationError, match="different layouts \\(train: tagging, test: classification\\)"):
        DataConfig(train=f"iob2:{ner_files}/en_train.iob2", test="xnli")
    with pytest.raises(ValidationError, match="empty list"):
        DataConfig(train=f"iob2:{ner_files}/en_train.iob2", test=[])


def test_qa_pool_split_keeps_translations_together(write, tmp_path):
    for lang, who in (("en", "Bob"), ("de", "Bobby")):
        qas = [{"id": f"q{i}", "question": f"Q{i}?", "answers": [{"text": who, "answer_start": 0}]} for i in range(20)]
        doc = {"data": [{"paragraphs": [{"context": f"{who} ran.", "qas": qas}]}]}
        write(f"qa/{lang}.json", json.dumps(doc))
    cfg = DataConfig(pool=f"squad:{tmp_path}/qa/{{lang}}.json", source_languages=["en"])
    parts = cfg.load()
    assert cfg.layout == "qa" and parts["test"].column_names == ["id", "lang", "question", "context", "answers"]
    test_ids = set(values(parts["test"], "id"))
    assert not test_ids & set(values(parts["train"], "id")) and parts["test"].num_rows == 2 * len(test_ids)


# ---- the real recipes --------------------------------------------------------------------------------------

def test_real_ner_recipe_with_named_test_files(xlt_data):
    uner = "$XLT_DATA/uner/"
    test = [{"format": "iob2", "path": uner + "en_ewt-ud-test.iob2", "languages": ["en"]},
            {"format": "iob2", "path": uner + "en_pud-ud-test.iob2", "languages": ["en"], "name": "en-pud"},
            {"format": "iob2", "path": uner + "de_pud-ud-test.iob2", "languages": ["de"]},
            {"format": "iob2", "path": uner + "zh_pud-ud-test.iob2", "languages": ["zh"]},
            {"format": "iob2", "path": uner + "zh_gsd-ud-test.iob2", "languages": ["zh"], "name": "zh-gsd"}]
    cfg = DataConfig(train=f"iob2:{uner}en_ewt-ud-dev.iob2", test=test, source_languages=["en"],
                     target_languages=["de", "zh", "zh-gsd"])
    parts = cfg.load()
    assert parts["train"].num_rows + parts["dev"].num_rows == 2001
    counts = Counter(values(parts["test"], "lang"))
    assert counts == {"en": 2077, "de": 1000, "zh": 1000, "zh-gsd": 500}  # en-pud is neither source nor target


def test_real_pos_recipe(xlt_data):
    cfg = DataConfig(train="token-tsv:$XLT_DATA/ud_en/xtreme_udpos/train-en.tsv",
                     dev={"format": "conllu", "path": "$XLT_DATA/ud_en/ewt/en_ewt-ud-dev.conllu"},
                     test="conllu:$XLT_DATA/ud_pud/{lang}_pud-ud-test.conllu", source_languages=["en"],
                     target_languages=["de", "es", "fr", "zh"])
    parts = cfg.load()
    assert (parts["train"].num_rows, parts["dev"].num_rows, parts["test"].num_rows) == (21253, 2001, 5000)


def test_real_qa_recipe_and_xquad_pool(xlt_data):
    train = {"format": "squad", "path": "$XLT_DATA/tydiqa_goldp/tydiqa.goldp.en.train.json",
             "duplicate_ids": "suffix"}
    cfg = DataConfig(train=train, test="squad:$XLT_DATA/xquad/xquad.{lang}.json", source_languages=["en"],
                     target_languages=["de", "es", "zh"])
    parts = cfg.load()
    assert parts["train"].num_rows + parts["dev"].num_rows == 3696 and parts["test"].num_rows == 4 * 1190
    pool = DataConfig(pool="squad:$XLT_DATA/xquad/xquad.{lang}.json", source_languages=["en"]).load()
    test_ids = set(values(pool["test"], "id"))
    assert pool["test"].num_rows == 4 * len(test_ids) and not test_ids & set(values(pool["train"], "id"))
