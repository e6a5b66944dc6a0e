"""Parallel readers: line-aligned files (Tatoeba, NTREX) and treebank pairs (UD PUD), and ParallelSpec."""

from __future__ import annotations

import pytest

from xlt.corpus.readers.parallel import (
    PARALLEL_COLUMNS,
    ParallelSpec,
    read_ntrex,
    read_parallel,
    read_pud,
    read_tatoeba,
    read_treebank_pairs,
)
from xlt.errors import ConfigError, DataError


def test_real_tatoeba_six_pairs(xlt_data):
    pairs = ParallelSpec.parse("tatoeba").load_pairs()
    assert sorted(pairs) == ["ara", "cmn", "deu", "fra", "rus", "spa"]
    for lang, ds in pairs.items():
        assert ds.num_rows == 1000 and ds.column_names == list(PARALLEL_COLUMNS)
        assert set(ds["src_lang"][:]) == {lang} and set(ds["tgt_lang"][:]) == {"eng"}
    de = read_tatoeba("deu", limit=3)
    assert de[0]["src"] == "Maria sagte, sie wisse nicht, wo Tom sei."
    assert de[0]["tgt"] == "Mary said she didn't know where Tom was." and de["id"][:] == ["1", "2", "3"]


def test_real_ntrex_ids_from_document_file(xlt_data):
    ds = read_ntrex("deu")
    assert ds.num_rows == 1997 and ds[0]["id"] == "bbc.381790:1" and ds[1996]["id"].endswith(":1997")
    assert len(set(ds["id"][:])) == 1997
    assert "Muppets" in ds[0]["src"] and "muppets" in ds[0]["tgt"]
    assert read_ntrex("zho-CN", limit=5).num_rows == 5


def test_real_pud_aligned_by_sent_id(xlt_data):
    ds = read_pud("zh")
    assert ds.num_rows == 1000 and ds[0]["id"] == "n01001011"
    assert ds[0]["tgt"].startswith("“While much of the digital transition")
    assert "奧巴馬" in ds[0]["src"]  # the '# text =' line, not '# text_en ='
    assert sorted(ParallelSpec.parse("pud").load_pairs()) == ["de", "es", "fr", "zh"]  # en is the target


def test_line_count_mismatch_names_both_files(write):
    a, b = write("x.de", "a\nb\nc\n"), write("x.en", "a\nb\n")
    with pytest.raises(DataError) as e:
        read_parallel(a, b, src_lang="de", tgt_lang="en")
    assert str(a) in str(e.value) and str(b) in str(e.value) and "3" in str(e.value) and "2" in str(e.value)


def test_blank_on_one_side_is_an_error_or_skipped(write):
    a, b = write("x.de", "a\n\nc\n\n"), write("x.en", "A\nB\nC\n\n")
    with pytest.raises(DataError) as e:
        read_parallel(a, b, src_lang="de", tgt_lang="en")
    assert e.value.line == 2 and e.value.path == a
    ds = read_parallel(a, b, src_lang="de", tgt_lang="en", blank="skip")
    assert ds["id"][:] == ["1", "3"] and ds["tgt"][:] == ["A", "C"]


def test_bad_utf8_in_parallel_file(write):
    a, b = write("x.de", b"a\n\xff\n"), write("x.en", "A\nB\n")
    with pytest.raises(DataError) as e:
        read_parallel(a, b, src_lang="de", tgt_lang="en")
    assert e.value.line == 2 and "x.de" in str(e.value)


def conllu(*sentences: tuple[str, str | None]) -> str:
    out = ""
    for sid, text in sentences:
        out += f"# sent_id = {sid}\n" + (f"# text = {text}\n" if text else "") + "1\tx" + "\t_" * 8 + "\n\n"
    return out


def test_treebank_pairs_follow_source_order(write):
    a = write("de.conllu", conllu(("s2", "Zwei ."), ("s1", "Eins .")))
    b = write("en.conllu", conllu(("s1", "One ."), ("s2", "Two .")))
    ds = read_treebank_pairs(a, b, src_lang="de", tgt_lang="en")
    assert list(zip(ds["id"][:], ds["src"][:], ds["tgt"][:], strict=True)) == [("s2", "Zwei .", "Two ."),
                                                                              ("s1", "Eins .", "One .")]


def test_treebank_missing_sentence_or_text(write):
    a = write("de.conllu", conllu(("s1", "Eins ."), ("s3", "Drei .")))
    b = write("en.conllu", conllu(("s1", "One ."), ("s2", "Two .")))
    with pytest.raises(DataError, match="s3") as e:
        read_treebank_pairs(a, b, src_lang="de", tgt_lang="en")
    assert str(b) in str(e.value)
    c = write("fr.conllu", conllu(("s1", None)))
    with pytest.raises(DataError, match="no '# text ='") as e:
        read_treebank_pairs(c, b, src_lang="fr", tgt_lang="en")
    assert e.value.line == 1


def test_spec_forms(write, tmp_path):
    write("p/x.de", "a\n")
    write("p/x.fr", "b\n")
    write("p/x.en", "A\n")
    spec = ParallelSpec.parse(f"lines:{tmp_path}/p/x.{{lang}}|{tmp_path}/p/x.en", tgt_lang="en")
    assert sorted(spec.load_pairs()) == ["de", "fr"]  # en is the target, not a source language
    y = write("p/spec.yaml", "format: lines\nsrc: x.{lang}\ntgt: x.en\ntgt_lang: en\nlanguages: [fr]\n")
    assert ParallelSpec.parse(y).load()["src"][:] == ["b"]
    with pytest.raises(ConfigError, match="tgt_lang"):
        ParallelSpec.parse(f"lines:{tmp_path}/p/x.{{lang}}|{tmp_path}/p/x.en")
    with pytest.raises(ConfigError, match="SRC|TGT"):
        ParallelSpec.parse("lines:only-one-path")
    with pytest.raises(ConfigError, match="preset"):
        ParallelSpec.parse("tatoebaa")
