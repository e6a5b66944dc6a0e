"""read_table: JSONL, CSV and TSV into the corpus schema, and one test per kind of bad input."""

from __future__ import annotations

import logging

import pytest

from xlt.corpus.readers.table import Columns, read_table
from xlt.errors import ConfigError, DataError


def rows(ds):
    return [dict(r) for r in ds]


def assert_names(err: DataError, path, line: int | None, field: str | None) -> None:
    """The error names the file, the 1-based line and the field."""
    message = str(err)
    assert str(path) in message
    assert err.path is not None and str(err.path) == str(path)
    assert err.line == line
    assert err.field == field
    if line is not None:
        assert f"{path}:{line}:" in message
    if field is not None:
        assert f"field {field!r}" in message


# ---- reading ---------------------------------------------------------------------------------------------

def test_jsonl_with_ids_and_int_labels(write):
    p = write("en.jsonl", '{"id": 7, "text": "Goal!", "label": 1}\n'
                          '{"id": "x", "text": "Rain", "label": "0"}\n')
    assert rows(read_table(p, format="jsonl", lang="en")) == [
        {"id": "7", "lang": "en", "text": "Goal!", "label": "1"},
        {"id": "x", "lang": "en", "text": "Rain", "label": "0"},
    ]


def test_jsonl_renamed_columns_pair_and_lang_column(write):
    p = write("all.jsonl", '{"s1": "a", "s2": "b", "y": "yes", "language": "de"}\n'
                           '{"s1": "c", "s2": "d", "y": "no", "language": "fr"}\n')
    columns = {"text": "s1", "text_pair": "s2", "label": "y", "lang": "language"}
    ds = read_table(p, format="jsonl", columns=columns)
    assert ds.column_names == ["id", "lang", "text", "text_pair", "label"]
    assert rows(ds)[1] == {"id": "1", "lang": "fr", "text": "c", "text_pair": "d", "label": "no"}


def test_csv_header_quotes_commas_newlines_bom_crlf(write):
    p = write("de.csv", '\ufefftext,label,id\r\n"Hallo, Welt",greeting,a1\r\n"zwei\r\nZeilen",other,a2\r\n')
    assert rows(read_table(p, format="csv", lang="de")) == [
        {"id": "a1", "lang": "de", "text": "Hallo, Welt", "label": "greeting"},
        {"id": "a2", "lang": "de", "text": "zwei\r\nZeilen", "label": "other"},
    ]


def test_tsv_keeps_quote_characters(write):
    p = write("en.tsv", 'text\tlabel\n"Quoted" start\tx\nmid "quote\ty\n')
    assert [r["text"] for r in read_table(p, lang="en")] == ['"Quoted" start', 'mid "quote']


def test_tsv_without_header_by_index_and_row_index_ids(write):
    p = write("xx.tsv", "a\tb\tl1\r\nc\td\tl2\r\n")
    ds = read_table(p, lang="xx", header=False, columns=Columns(text=0, text_pair=1, label=2))
    assert ds["id"][:] == ["0", "1"] and ds["text_pair"][:] == ["b", "d"] and ds["label"][:] == ["l1", "l2"]


def test_tsv_without_header_by_names(write):
    p = write("xx.tsv", "a\tb\tl1\n")
    ds = read_table(p, lang="xx", header=False, names=["s1", "s2", "y"],
                    columns={"text": "s2", "label": "y"})
    assert rows(ds) == [{"id": "0", "lang": "xx", "text": "b", "label": "l1"}]


def test_id_column_is_used_when_present_and_explicit_id(write):
    p = write("en.tsv", "id\ttext\tlabel\n9\ta\tx\n")
    assert read_table(p, lang="en")["id"][:] == ["9"]
    q = write("en2.tsv", "key\ttext\tlabel\nk9\ta\tx\n")
    assert read_table(q, lang="en", columns={"id": "key"})["id"][:] == ["k9"]


def test_lang_column_filter_and_limit_per_language(write):
    lines = "".join(f"{lang}\tt{i}\tx\n" for i in range(3) for lang in ("en", "de", "fr"))
    p = write("multi.tsv", "lang\ttext\tlabel\n" + lines)
    ds = read_table(p, columns={"lang": "lang"}, languages=["en", "de"], limit=2)
    assert sorted(zip(ds["lang"][:], ds["id"][:], strict=True)) == [
        ("de", "1"), ("de", "4"), ("en", "0"), ("en", "3")]


def test_limit_with_one_language(write):
    p = write("en.jsonl", "".join(f'{{"text": "t{i}", "label": "x"}}\n' for i in range(5)))
    assert read_table(p, format="jsonl", lang="en", limit=2)["text"][:] == ["t0", "t1"]


def test_blank_lines_are_skipped_and_counted(write, caplog):
    p = write("en.tsv", "text\tlabel\n\na\tx\n \t \n\nb\ty\n\n")
    with caplog.at_level(logging.INFO, logger="xlt.corpus"):
        ds = read_table(p, lang="en")
    assert ds["text"][:] == ["a", "b"] and ds["id"][:] == ["0", "1"]
    assert "skipped 4 blank line(s)" in caplog.text


def test_jsonl_blank_lines_skipped(write):
    p = write("en.jsonl", '\n{"text": "a", "label": "x"}\n\n')
    assert read_table(p, format="jsonl", lang="en").num_rows == 1


# ---- configuration mistakes --------------------------------------------------------------------------------

def test_needs_exactly_one_language_source(write):
    p = write("en.tsv", "text\tlabel\na\tx\n")
    with pytest.raises(ConfigError, match="exactly one"):
        read_table(p)
    with pytest.raises(ConfigError, match="exactly one"):
        read_table(p, lang="en", columns={"lang": "lang"})


def test_headerless_file_needs_indices_or_names(write):
    p = write("en.tsv", "a\tx\n")
    with pytest.raises(ConfigError, match="no header"):
        read_table(p, lang="en", header=False)


def test_bad_columns_mapping(write):
    with pytest.raises(ConfigError, match="bad columns.*txt"):
        read_table(write("a.tsv", "text\tlabel\na\tb\n"), lang="en", columns={"txt": "a"})


def test_unknown_format(write):
    with pytest.raises(ConfigError, match="unknown table format"):
        read_table(write("a.xml", "x"), format="xml", lang="en")  # type: ignore[arg-type]


# ---- bad input: each names file, line and field ---------------------------------------------------------

def test_malformed_json_line(write):
    p = write("en.jsonl", '{"text": "a", "label": "x"}\n{"text": "b", "label": \n')
    with pytest.raises(DataError, match="malformed JSON") as e:
        read_table(p, format="jsonl", lang="en")
    assert_names(e.value, p, 2, None)


def test_json_line_not_an_object(write):
    p = write("en.jsonl", '["a", "x"]\n')
    with pytest.raises(DataError, match="expected a JSON object") as e:
        read_table(p, format="jsonl", lang="en")
    assert_names(e.value, p, 1, None)


def test_json_missing_field(write):
    p = write("en.jsonl", '{"text": "a", "label": "x"}\n{"text": "b"}\n')
    with pytest.raises(DataError, match="missing field") as e:
        read_table(p, format="jsonl", lang="en")
    assert_names(e.value, p, 2, "label")


def test_json_null_field_is_missing(write):
    p = write("en.jsonl", '{"sentence": null, "label": "x"}\n')
    with pytest.raises(DataError, match="missing field") as e:
        read_table(p, format="jsonl", lang="en", columns={"text": "sentence"})
    assert_names(e.value, p, 1, "sentence")


def test_json_wrong_type(write):
    p = write("en.jsonl", '{"text": ["a"], "label": "x"}\n')
    with pytest.raises(DataError, match="must be a string") as e:
        read_table(p, format="jsonl", lang="en")
    assert_names(e.value, p, 1, "text")


def test_missing_column_in_header(write):
    p = write("en.csv", "text,category\na,x\n")
    with pytest.raises(DataError, match="missing column") as e:
        read_table(p, format="csv", lang="en")
    assert_names(e.value, p, 1, "label")


def test_missing_column_by_index(write):
    p = write("en.tsv", "a\tx\n")
    with pytest.raises(DataError, match="missing column") as e:
        read_table(p, lang="en", header=False, columns={"text": 0, "label": 4})
    assert_names(e.value, p, 1, "column 5")


def test_tsv_too_few_columns(write):
    p = write("dev-de.tsv", "a\tb\tneutral\nc\td\n")
    with pytest.raises(DataError, match="expected 3 tab-separated columns, found 2") as e:
        read_table(p, lang="de", header=False, names=["premise", "hypothesis", "label"],
                   columns={"text": "premise", "text_pair": "hypothesis"})
    assert_names(e.value, p, 2, "label")


def test_tsv_too_many_columns(write):
    p = write("en.tsv", "text\tlabel\na\tx\nb\twith\ttab\n")
    with pytest.raises(DataError, match="expected 2 tab-separated columns, found 3") as e:
        read_table(p, lang="en")
    assert_names(e.value, p, 3, "column 3")


def test_csv_wrong_number_of_columns(write):
    p = write("en.csv", "text,label\na,x,extra\n")
    with pytest.raises(DataError, match="comma-separated") as e:
        read_table(p, format="csv", lang="en")
    assert_names(e.value, p, 2, "column 3")


def test_csv_bad_quoting(write):
    p = write("en.csv", 'text,label\n"a"b,x\n')
    with pytest.raises(DataError, match="malformed CSV") as e:
        read_table(p, format="csv", lang="en")
    assert_names(e.value, p, 2, None)


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_tsv(write, text):
    p = write("en.tsv", f"text\tlabel\nok\tx\n{text}\ty\n")
    with pytest.raises(DataError, match="empty text") as e:
        read_table(p, lang="en")
    assert_names(e.value, p, 3, "text")


def test_empty_text_jsonl(write):
    p = write("en.jsonl", '{"sentence": "", "label": "x"}\n')
    with pytest.raises(DataError, match="empty text") as e:
        read_table(p, format="jsonl", lang="en", columns={"text": "sentence"})
    assert_names(e.value, p, 1, "sentence")


def test_empty_label(write):
    p = write("en.tsv", "text\tlabel\na\t\n")
    with pytest.raises(DataError, match="empty label") as e:
        read_table(p, lang="en")
    assert_names(e.value, p, 2, "label")


def test_duplicate_id(write):
    p = write("en.tsv", "index_id\ttext\tlabel\n5\ta\tx\n5\tb\ty\n")
    with pytest.raises(DataError, match="duplicate id '5' \\(first on line 2\\)") as e:
        read_table(p, lang="en", columns={"id": "index_id"})
    assert_names(e.value, p, 3, "index_id")


def test_not_utf8(write):
    p = write("de.tsv", b"text\tlabel\n" + b"gr\xfc\xdfe\tx\n")
    with pytest.raises(DataError, match="not UTF-8: byte 0xfc at byte offset 13") as e:
        read_table(p, lang="de")
    assert_names(e.value, p, 2, None)
    assert "column 3 of line 2" in str(e.value)


def test_file_not_found(tmp_path):
    p = tmp_path / "missing.tsv"
    with pytest.raises(DataError, match="file not found") as e:
        read_table(p, lang="en")
    assert_names(e.value, p, None, None)


def test_empty_file(write):
    p = write("en.tsv", "text\tlabel\n\n")
    with pytest.raises(DataError, match="no data rows") as e:
        read_table(p, lang="en")
    assert_names(e.value, p, None, None)


def test_language_filter_matching_nothing(write):
    p = write("m.jsonl", '{"text": "a", "label": "x", "lang": "en"}\n')
    with pytest.raises(DataError, match=r"no data rows for languages \['sw'\]"):
        read_table(p, format="jsonl", columns={"lang": "lang"}, languages=["sw"])
