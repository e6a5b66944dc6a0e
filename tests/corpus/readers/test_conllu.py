"""read_conllu: CoNLL-U into the tagging schema (multi-word tokens, empty nodes, XPOS) and bad lines."""

from __future__ import annotations

import pytest

from xlt.corpus.readers.conllu import read_conllu
from xlt.corpus.schema import validate_dataset, values
from xlt.errors import ConfigError, DataError


def token(word_id: str, form: str, upos: str = "NOUN", xpos: str = "NN") -> str:
    return "\t".join([word_id, form, form.lower(), upos, xpos, "_", "0", "root", "_", "_"]) + "\n"


def assert_at(err: DataError, path, line: int, field: str | None = None) -> None:
    assert f"{path}:{line}:" in str(err) and err.line == line and str(err.path) == str(path)
    if field is not None:
        assert err.field == field


SAMPLE = ("# newdoc id = d1\n# sent_id = s1\n# text = Zum Haus.\n"
          + token("1-2", "Zum", "_", "_") + token("1", "Zu", "ADP", "APPR") + token("2", "dem", "DET", "ART")
          + token("3", "Haus") + token("3.1", "ging", "VERB", "VV") + token("4", ".", "PUNCT", "$.")
          + "\n" + token("1", "Ja", "INTJ", "ITJ") + "\n\n")


def test_multiword_tokens_and_empty_nodes_are_skipped(write):
    p = write("de.conllu", SAMPLE)
    ds = validate_dataset(read_conllu(p, lang="de"))
    assert ds[0] == {"id": "s1", "lang": "de", "tokens": ["Zu", "dem", "Haus", "."],
                     "tags": ["ADP", "DET", "NOUN", "PUNCT"]}
    assert ds[1]["id"] == "1" and ds[1]["tokens"] == ["Ja"]  # no sent_id: the 0-based sentence index


def test_xpos_column_and_limit(write):
    p = write("de.conllu", SAMPLE)
    assert read_conllu(p, lang="de", tag_column="xpos")[0]["tags"] == ["APPR", "ART", "NN", "$."]
    assert read_conllu(p, lang="de", limit=1).num_rows == 1
    with pytest.raises(ConfigError, match="tag_column"):
        read_conllu(p, lang="de", tag_column="deprel")  # type: ignore[arg-type]


def test_crlf_and_no_final_blank_line(write):
    p = write("en.conllu", "# sent_id = a\r\n" + token("1", "Hi").replace("\n", "\r\n"))
    assert values(read_conllu(p, lang="en"), "tokens") == [["Hi"]]


def test_wrong_number_of_columns_names_file_and_line(write):
    bad = "2\tdog\tdog\tNOUN\tNN\t_\t0\troot\t_\n"  # 9 columns
    p = write("en.conllu", "# sent_id = a\n" + token("1", "The", "DET") + bad)
    with pytest.raises(DataError, match="expected 10 tab-separated columns .* found 9") as e:
        read_conllu(p, lang="en")
    assert_at(e.value, p, 3)


def test_spaces_instead_of_tabs(write):
    p = write("en.conllu", "\n\n" + token("1", "The").replace("\t", " "))
    with pytest.raises(DataError, match="found 1 \\(spaces instead of tabs\\?\\)") as e:
        read_conllu(p, lang="en")
    assert_at(e.value, p, 3)


def test_bad_id_missing_tag_and_duplicate_sent_id(write):
    p = write("a.conllu", token("1", "a") + token("x", "b"))
    with pytest.raises(DataError, match="bad token ID 'x'") as e:
        read_conllu(p, lang="en")
    assert_at(e.value, p, 2, "ID")
    p = write("b.conllu", token("1", "a", upos="_"))
    with pytest.raises(DataError, match="no UPOS tag") as e:
        read_conllu(p, lang="en")
    assert_at(e.value, p, 1, "UPOS")
    p = write("c.conllu", "# sent_id = s\n" + token("1", "a") + "\n# sent_id = s\n" + token("1", "b"))
    with pytest.raises(DataError, match="duplicate sentence id 's' \\(first on line 1\\)") as e:
        read_conllu(p, lang="en")
    assert_at(e.value, p, 4)


def test_empty_file(write):
    with pytest.raises(DataError, match="no sentences"):
        read_conllu(write("e.conllu", "\n# just a comment\n"), lang="en")


# ---- real files ---------------------------------------------------------------------------------------------

PUD_WORDS = {"en": 21180, "de": 21332, "fr": 24726, "es": 23283, "zh": 21415}


def test_real_pud_counts_and_parallel_ids(xlt_data):
    ids = {}
    for lang, words in PUD_WORDS.items():
        ds = read_conllu(xlt_data / "ud_pud" / f"{lang}_pud-ud-test.conllu", lang=lang)
        assert ds.num_rows == 1000 and sum(map(len, values(ds, "tokens"))) == words
        ids[lang] = values(ds, "id")
    assert ids["en"][0] == "n01001011" and all(v == ids["en"] for v in ids.values())
    de = read_conllu(xlt_data / "ud_pud" / "de_pud-ud-test.conllu", lang="de", limit=1)
    assert de[0]["tokens"][25:28] == ["an", "dem", "Montag"]  # "am" = an + dem
    assert len(set().union(*values(read_conllu(xlt_data / "ud_pud" / "en_pud-ud-test.conllu", lang="en"),
                                   "tags"))) == 17


def test_real_ewt_dev_with_empty_nodes(xlt_data):
    ds = read_conllu(xlt_data / "ud_en" / "ewt" / "en_ewt-ud-dev.conllu", lang="en")
    assert (ds.num_rows, sum(map(len, values(ds, "tokens")))) == (2001, 25147)
