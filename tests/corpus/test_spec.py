"""DataSpec: the compact string forms, YAML, env expansion and loading."""

from __future__ import annotations

import pytest

from xlt.corpus.schema import values
from xlt.corpus.spec import DataSpec
from xlt.errors import ConfigError, DataError

# ---- parse forms ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,format,path", [
    ("tsv:$XLT_DATA/sib200/{lang}/test.tsv", "tsv", "$XLT_DATA/sib200/{lang}/test.tsv"),
    ("sib200:${XLT_DATA}/sib200/{lang}/test.tsv", "sib200", "${XLT_DATA}/sib200/{lang}/test.tsv"),
    ("jsonl:data/x.json", "jsonl", "data/x.json"),
    ("csv:/abs/x.txt", "csv", "/abs/x.txt"),
    ("data/en.jsonl", "jsonl", "data/en.jsonl"),
    ("data/en.TSV", "tsv", "data/en.TSV"),
    ("xnli", "xnli", None),
    ("pawsx:", "pawsx", None),
    ("builtin:emoji-groups", "builtin:emoji-groups", None),
])
def test_parse_forms(text, format, path):
    spec = DataSpec.parse(text)
    assert (spec.format, spec.path) == (format, path)


def test_parse_overrides_and_mapping_and_spec():
    spec = DataSpec.parse("tsv:x.tsv", languages=["en"], columns={"text": "sentence"}, limit=5)
    assert spec.languages == ["en"] and spec.columns.text == "sentence" and spec.limit == 5
    assert DataSpec.parse({"format": "csv", "path": "a.csv"}).format == "csv"
    assert DataSpec.parse(spec, limit=2).limit == 2


def test_parse_yaml_relative_to_file(tmp_path):
    (tmp_path / "specs").mkdir()
    yaml_file = tmp_path / "specs" / "train.yaml"
    yaml_file.write_text("format: tsv\npath: ../data/{lang}.tsv\nlanguages: [en]\nlimit: 10\n")
    spec = DataSpec.parse(str(yaml_file))
    assert spec.path == str(tmp_path / "specs" / "../data/{lang}.tsv") and spec.limit == 10
    yaml_file.write_text("format: tsv\npath: $XLT_DATA/a.tsv\n")
    assert DataSpec.parse(yaml_file).path == "$XLT_DATA/a.tsv"


@pytest.mark.parametrize("text,match", [
    ("builtin:flags", "unknown built-in"),
    ("parquet:x.parquet", "cannot read the data spec"),
    ("nonsense", "cannot read the data spec"),
    ("sib200", "needs a path"),
    ("tsv:", "needs a path"),
    ("missing.yaml", "not found"),
])
def test_parse_errors(text, match):
    with pytest.raises(ConfigError, match=match):
        DataSpec.parse(text)


@pytest.mark.parametrize("overrides,match", [
    ({"columns": {"text": "t"}}, "fixes the file layout"),
    ({"languages": []}, "languages is empty"),
    ({"languages": ["en", "en"]}, "duplicates"),
    ({"limit": 0}, "limit"),
    ({"colums": {}}, "colums"),
])
def test_spec_validation_errors(overrides, match):
    with pytest.raises(ConfigError, match=match):
        DataSpec.parse("xnli", **overrides)


def test_builtin_rejects_path_and_unknown_language():
    with pytest.raises(ConfigError, match="takes no path"):
        DataSpec.parse({"format": "builtin:emoji-groups", "path": "x"})
    with pytest.raises(ConfigError, match="no language"):
        DataSpec.parse("builtin:emoji-groups", languages=["xx"])


def test_language_column_given_twice():
    with pytest.raises(ConfigError, match="once"):
        DataSpec.parse("tsv:x.tsv", lang_column="l", columns={"lang": "l"})


# ---- load ------------------------------------------------------------------------------------------------

def test_load_lang_placeholder_with_env(write, tmp_path, monkeypatch):
    for lang in ("en", "de"):
        write(f"d/{lang}/train.tsv", f"text\tlabel\n{lang} a\tx\n{lang} b\ty\n")
    monkeypatch.setenv("XLT_DATA", str(tmp_path))
    ds = DataSpec.parse("tsv:${XLT_DATA}/d/{lang}/train.tsv").load()
    assert values(ds, "lang") == ["de", "de", "en", "en"] and values(ds, "id") == ["0", "1"] * 2
    only = DataSpec.parse("tsv:$XLT_DATA/d/{lang}/train.tsv", languages=["en"], limit=1).load()
    assert values(only, "text") == ["en a"]


def test_load_missing_language_file(write, tmp_path):
    write("en.tsv", "text\tlabel\na\tx\n")
    with pytest.raises(DataError, match="file not found") as e:
        DataSpec.parse(f"tsv:{tmp_path}/{{lang}}.tsv", languages=["en", "fr"]).load()
    assert str(e.value.path).endswith("fr.tsv")


def test_load_unset_xlt_data(monkeypatch):
    monkeypatch.delenv("XLT_DATA", raising=False)
    spec = DataSpec.parse("xnli")
    with pytest.raises(ConfigError, match="XLT_DATA is not set"):
        spec.load()


def test_load_lang_column_and_single_language(write):
    p = write("all.csv", "language,text,label\nen,a,x\nde,b,x\nfr,c,y\n")
    ds = DataSpec.parse(f"csv:{p}", lang_column="language", languages=["fr", "de"]).load()
    assert values(ds, "lang") == ["de", "fr"]
    q = write("one.jsonl", '{"sentence": "a", "label": "x"}\n')
    one = DataSpec.parse(str(q), languages=["sw"], columns={"text": "sentence"}).load()
    assert one[0] == {"id": "0", "lang": "sw", "text": "a", "label": "x"}
    with pytest.raises(ConfigError, match="say which language"):
        DataSpec.parse(str(q)).load()


def test_load_headerless_tsv_by_index(write):
    p = write("x.tsv", "l1\tsome text\n")
    ds = DataSpec.parse(f"tsv:{p}", languages=["en"], header=False, columns={"text": 1, "label": 0}).load()
    assert ds[0] == {"id": "0", "lang": "en", "text": "some text", "label": "l1"}


def test_load_builtin():
    ds = DataSpec.parse("builtin:emoji-groups", languages=["ko"], limit=4).load()
    assert ds.num_rows == 4 and set(values(ds, "lang")) == {"ko"}


def test_load_real_presets(xlt_data):
    sib = DataSpec.parse("sib200:$XLT_DATA/sib200/{lang}/test.tsv").load()
    assert sorted(set(values(sib, "lang"))) == ["deu_Latn", "eng_Latn", "fra_Latn", "spa_Latn", "zho_Hans",
                                                 "zho_Hant"]
    assert sib.num_rows == 6 * 204
    xnli = DataSpec.parse("xnli", languages=["en", "de"], limit=10).load()
    assert xnli.num_rows == 20 and "text_pair" in xnli.column_names
