"""XNLI, PAWS-X and SIB-200 presets: small files here, and the real files under XLT_DATA."""

from __future__ import annotations

from collections import Counter

import pytest

from xlt.corpus.readers.presets import PRESETS, read_pawsx, read_preset, read_sib200, read_xnli
from xlt.errors import ConfigError, DataError

SIB_TEST_LABELS = {"science/technology": 51, "travel": 40, "politics": 30, "sports": 25, "health": 22,
                   "entertainment": 19, "geography": 17}


def test_xnli_layout(write):
    p = write("dev-en.tsv", "He said hi.\tHe spoke.\tentailment\r\n"
                            "He said hi.\tHe was silent.\tcontradiction\r\n")
    ds = read_xnli(p, lang="en")
    assert ds.column_names == ["id", "lang", "text", "text_pair", "label"]
    assert ds[1] == {"id": "1", "lang": "en", "text": "He said hi.", "text_pair": "He was silent.",
                     "label": "contradiction"}


def test_xnli_error_names_the_preset_column(write):
    p = write("dev-de.tsv", "a\t\tneutral\n")
    with pytest.raises(DataError, match="empty text_pair") as e:
        read_xnli(p, lang="de")
    assert (e.value.line, e.value.field) == (1, "hypothesis") and str(p) in str(e.value)


def test_pawsx_has_no_header(write):
    p = write("dev-fr.tsv", 'Il a dit « oui ».\t"Oui", a-t-il dit.\t1\n')
    assert read_pawsx(p, lang="fr")[0] == {"id": "0", "lang": "fr", "text": "Il a dit « oui ».",
                                          "text_pair": '"Oui", a-t-il dit.', "label": "1"}


def test_sib200_layout(write):
    p = write("test.tsv", 'index_id\tcategory\ttext\n431\tgeography\tThe "Aegean" Sea.\n')
    assert read_sib200(p, lang="eng_Latn")[0] == {
        "id": "431", "lang": "eng_Latn", "text": 'The "Aegean" Sea.', "label": "geography"}


def test_unknown_preset(write):
    with pytest.raises(ConfigError, match="unknown preset"):
        read_preset("mnli", write("x.tsv", "a"), lang="en")


def test_presets_are_known():
    assert set(PRESETS) == {"xnli", "pawsx", "sib200"}


# ---- real files (skipped when XLT_DATA is absent) -------------------------------------------------------

def test_real_sib200_english_train_and_test(xlt_data):
    train = read_sib200(xlt_data / "sib200/eng_Latn/train.tsv", lang="eng_Latn")
    test = read_sib200(xlt_data / "sib200/eng_Latn/test.tsv", lang="eng_Latn")
    assert (train.num_rows, test.num_rows) == (701, 204)
    assert set(train["label"][:]) == set(SIB_TEST_LABELS)
    assert Counter(test["label"][:]) == SIB_TEST_LABELS
    assert not set(train["id"][:]) & set(test["id"][:])
    assert any('"' in text for text in train["text"][:]), "quote characters must survive (QUOTE_NONE)"


def test_real_sib200_translations_share_ids_and_labels(xlt_data):
    en = read_sib200(xlt_data / "sib200/eng_Latn/test.tsv", lang="eng_Latn")
    de = read_sib200(xlt_data / "sib200/deu_Latn/test.tsv", lang="deu_Latn")
    en_labels = dict(zip(en["id"][:], en["label"][:], strict=True))
    assert en_labels == dict(zip(de["id"][:], de["label"][:], strict=True))


def test_real_xnli_dev_en_de(xlt_data):
    en = read_xnli(xlt_data / "xnli/dev-en.tsv", lang="en")
    de = read_xnli(xlt_data / "xnli/dev-de.tsv", lang="de")
    assert en.num_rows == de.num_rows == 2490
    assert en["id"][:] == de["id"][:]
    assert en["label"][:] == de["label"][:]
    assert Counter(en["label"][:]) == {"entailment": 830, "neutral": 830, "contradiction": 830}
    assert not any(t.endswith("\r") for t in en["text_pair"][:])


@pytest.mark.parametrize("lang", ["en", "de", "es", "fr", "zh"])
def test_real_pawsx(xlt_data, lang):
    ds = read_pawsx(xlt_data / f"pawsx/dev-{lang}.tsv", lang=lang)
    assert ds.num_rows == 2000 and set(ds["label"][:]) == {"0", "1"}
    if lang == "en":
        assert Counter(ds["label"][:]) == {"0": 1137, "1": 863}
