"""Raw text reader: one sentence or document per line, per language."""

from __future__ import annotations

import pytest

from xlt.corpus.readers.raw_text import RAW_TEXT_COLUMNS, read_raw_text, read_raw_texts
from xlt.errors import ConfigError, DataError


def test_blank_lines_skipped_and_ids_name_file_and_line(write):
    p = write("de.txt", "eins\n\n   \nzwei  drei \r\n")
    ds = read_raw_text(p, lang="de")
    assert ds.column_names == list(RAW_TEXT_COLUMNS)
    assert ds["text"][:] == ["eins", "zwei  drei"]
    assert ds["id"][:] == ["de.txt:1", "de.txt:4"]


def test_lang_template_mapping_and_file_list(write, tmp_path):
    write("t/de.txt", "a\nb\nc\n")
    write("t/fr.txt", "x\n")
    ds = read_raw_texts(str(tmp_path / "t" / "{lang}.txt"), limit=2)
    assert list(zip(ds["lang"][:], ds["text"][:], strict=True)) == [("de", "a"), ("de", "b"), ("fr", "x")]
    only = read_raw_texts(str(tmp_path / "t" / "{lang}.txt"), languages=["fr"])
    assert only["lang"][:] == ["fr"]
    both = read_raw_texts({"de": [tmp_path / "t" / "de.txt", tmp_path / "t" / "fr.txt"]})
    assert both["text"][:] == ["a", "b", "c", "x"] and set(both["lang"][:]) == {"de"}
    assert read_raw_texts([tmp_path / "t" / "fr.txt"], lang="fr")["text"][:] == ["x"]


def test_undecodable_byte_names_file_and_line(write):
    p = write("bad.txt", b"ok\nalso ok\nbr\xc3\x28ken\n")
    with pytest.raises(DataError) as e:
        read_raw_text(p, lang="xx")
    assert e.value.line == 3 and "bad.txt" in str(e.value) and "not UTF-8" in str(e.value)


def test_all_blank_and_missing_language_are_errors(write):
    p = write("empty.txt", "\n \n")
    with pytest.raises(DataError, match="every line is blank"):
        read_raw_text(p, lang="de")
    with pytest.raises(ConfigError, match="which language"):
        read_raw_texts(p)
    with pytest.raises(DataError, match="file not found"):
        read_raw_text(p.parent / "nope.txt", lang="de")


def test_real_tatoeba_sides_as_raw_text(xlt_data):
    ds = read_raw_texts("$XLT_DATA/tatoeba/tatoeba.deu-eng.{lang}", limit=50)
    assert sorted(set(ds["lang"][:])) == ["deu", "eng"] and ds.num_rows == 100
    assert all(t.strip() == t and t for t in ds["text"][:])
