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
    ("feather:x.feather", "cannot read the data spec"),
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


# ---- tagging and QA formats ------------------------------------------------------------------------------

CONLLU = "# sent_id = s1\n" + "1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_\n" + "\n"
IOB2 = "# sent_id = s1\n1\tBob\tB-PER\t-\t-\n2\tran\tO\t-\t-\n\n# sent_id = s2\n1\tSue\tI-PER\t-\t-\n"
SQUAD = ('{"data": [{"paragraphs": [{"context": "Bob ran.", "qas": [{"id": "q1", "question": "Who?", '
         '"answers": [{"text": "Bob", "answer_start": 1}]}, {"id": "q2", "question": "Did he?", '
         '"answers": [{"text": "ran", "answer_start": 4}]}]}]}]}')


@pytest.mark.parametrize("text,format,path,task", [
    ("conllu:$XLT_DATA/ud_pud/{lang}_pud-ud-test.conllu", "conllu", "$XLT_DATA/ud_pud/{lang}_pud-ud-test.conllu",
     "tagging"),
    ("iob2:uner/de.iob2", "iob2", "uner/de.iob2", "tagging"),
    ("conll2002:esp.train", "conll2002", "esp.train", "tagging"),
    ("token-tsv:udpos/train-en.tsv", "token-tsv", "udpos/train-en.tsv", "tagging"),
    ("squad:$XLT_DATA/xquad/xquad.{lang}.json", "squad", "$XLT_DATA/xquad/xquad.{lang}.json", "qa"),
    ("data/de.conllu", "conllu", "data/de.conllu", "tagging"),
    ("data/de.iob2", "iob2", "data/de.iob2", "tagging"),
    ("tsv:x.tsv", "tsv", "x.tsv", "classification"),
    ("builtin:emoji-groups", "builtin:emoji-groups", None, "classification"),
])
def test_parse_reader_formats_and_task(text, format, path, task):
    spec = DataSpec.parse(text)
    assert (spec.format, spec.path, spec.layout) == (format, path, task)


@pytest.mark.parametrize("text,overrides,match", [
    ("tsv:x.tsv", {"repair": True}, "repair is an option of the iob2/conll2002 format, not of tsv"),
    ("iob2:x.iob2", {"tag_column": "xpos"}, "tag_column is an option of the conllu format"),
    ("conllu:x.conllu", {"tag_column": "deprel"}, "tag_column"),
    ("squad:x.json", {"duplicate_ids": "drop"}, "duplicate_ids"),
    ("conllu:x.conllu", {"columns": {"text": "t"}}, "options of table formats"),
    ("conllu:", {}, "needs a path"),
    ("iob2:x/{lang}.iob2", {"languages": ["en", "de"], "name": "pud"}, "put \\{lang\\} in it"),
    ("iob2:x.iob2", {"name": " "}, "non-empty"),
])
def test_reader_spec_validation_errors(text, overrides, match):
    with pytest.raises(ConfigError, match=match):
        DataSpec.parse(text, **overrides)


def test_load_reader_formats_with_options_and_limit(write, tmp_path, monkeypatch):
    write("d/en.conllu", CONLLU)
    write("d/en.iob2", IOB2)
    write("d/en.json", SQUAD)
    monkeypatch.setenv("XLT_DATA", str(tmp_path))
    conllu = DataSpec.parse("conllu:$XLT_DATA/d/{lang}.conllu", tag_column="xpos").load()
    assert conllu[0] == {"id": "s1", "lang": "en", "tokens": ["Hi"], "tags": ["UH"]}
    with pytest.raises(DataError, match="does not continue"):
        DataSpec.parse("iob2:$XLT_DATA/d/{lang}.iob2").load()
    iob2 = DataSpec.parse("iob2:$XLT_DATA/d/{lang}.iob2", repair=True).load()
    assert values(iob2, "tags") == [["B-PER", "O"], ["B-PER"]]
    assert DataSpec.parse("iob2:$XLT_DATA/d/{lang}.iob2", limit=1).load().num_rows == 1
    squad = DataSpec.parse("squad:$XLT_DATA/d/{lang}.json", repair_offsets=True, limit=1).load()
    assert squad.num_rows == 1 and squad[0]["answers"] == {"text": ["Bob"], "answer_start": [0]}
    with pytest.raises(ConfigError, match="say which language"):
        DataSpec.parse("squad:$XLT_DATA/d/en.json").load()
    one = DataSpec.parse("squad:$XLT_DATA/d/en.json", languages=["en"], repair_offsets=True).load()
    assert values(one, "id") == ["q1", "q2"]


def test_name_replaces_the_lang_value(write, tmp_path):
    for lang in ("en", "de"):
        write(f"{lang}_pud.iob2", IOB2.replace("I-PER", "B-PER"))
    template = f"iob2:{tmp_path}/{{lang}}_pud.iob2"
    named = DataSpec.parse(template, name="{lang}-pud").load()
    assert values(named, "lang") == ["de-pud"] * 2 + ["en-pud"] * 2
    assert named.column_names == ["id", "lang", "tokens", "tags"]
    assert values(DataSpec.parse(template, languages=["de"], name="de-x").load(), "lang") == ["de-x"] * 2
    with pytest.raises(ConfigError, match="one name"):
        DataSpec.parse(template, name="pud").load()


def test_yaml_spec_with_reader_options(tmp_path, write):
    write("data/zh_gsd.iob2", IOB2)
    spec_file = write("specs/zh_gsd.yaml", "format: iob2\npath: ../data/zh_gsd.iob2\nlanguages: [zh]\n"
                                           "name: zh-gsd\nrepair: true\n")
    ds = DataSpec.parse(str(spec_file)).load()
    assert values(ds, "lang") == ["zh-gsd"] * 2


def test_load_real_reader_formats(xlt_data):
    de = DataSpec.parse("conllu:$XLT_DATA/ud_pud/{lang}_pud-ud-test.conllu", languages=["de"]).load()
    assert de.num_rows == 1000 and set(values(de, "lang")) == {"de"}
    every = DataSpec.parse("conllu:$XLT_DATA/ud_pud/{lang}_pud-ud-test.conllu", limit=5).load()
    assert every.num_rows == 25 and sorted(set(values(every, "lang"))) == ["de", "en", "es", "fr", "zh"]
    xquad = DataSpec.parse("squad:$XLT_DATA/xquad/xquad.{lang}.json", languages=["de", "zh"], limit=10).load()
    assert xquad.num_rows == 20 and xquad.features["answers"]["answer_start"].feature.dtype == "int32"
    esp = DataSpec.parse("conll2002:$XLT_DATA/conll2002/esp.testb", languages=["es"], repair=True).load()
    assert esp.num_rows == 1517
    udpos = DataSpec.parse("token-tsv:$XLT_DATA/ud_en/xtreme_udpos/dev-en.tsv", languages=["en"], limit=3).load()
    assert udpos.num_rows == 3


# ---- a mapping without format takes it from the path, as a plain path does ------------------------------


def test_mapping_without_format_infers_it_from_the_suffix_and_loads(write, tmp_path):
    write("d/en.tsv", "sentence\tlabel\nen a\tx\nen b\ty\n")
    spec = DataSpec.parse({"path": f"{tmp_path}/d/{{lang}}.tsv", "columns": {"text": "sentence"}})
    assert spec.format == "tsv" == DataSpec.parse(f"{tmp_path}/d/{{lang}}.tsv").format
    assert values(spec.load(), "text") == ["en a", "en b"]
    yaml_spec = write("spec.yaml", "path: d/{lang}.tsv\ncolumns: {text: sentence}\n")
    assert DataSpec.parse(str(yaml_spec)).load().num_rows == 2


def test_mapping_without_format_in_a_data_config_loads(write, tmp_path):
    from xlt.corpus.config import DataConfig

    for lang in ("en", "de"):
        write(f"d/{lang}.jsonl", "".join(f'{{"id": "{i}", "text": "{lang} {i}", "label": "{i % 2}"}}\n'
                                         for i in range(10)))
    cfg = DataConfig(pool={"path": f"{tmp_path}/d/{{lang}}.jsonl"}, source_languages=["en"])
    assert cfg.pool.format == "jsonl"
    parts = cfg.load()
    assert set(values(parts["test"], "lang")) == {"en", "de"}


def test_mapping_without_a_usable_suffix_names_the_format_field():
    with pytest.raises(ConfigError) as err:
        DataSpec.parse({"path": "x.txt", "languages": ["en"]})
    assert str(err.value).startswith("bad data spec \"{'path': 'x.txt', 'languages': ['en']}\": format: missing, "
                                     "and the path's suffix '.txt' does not give it")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("train", "message"), [
    ({"path": "x.txt"}, "data.train.format: missing, and the path's suffix '.txt' does not give it"),
    ({"columns": {"text": "t"}}, "data.train.format: Field required"),
    ({"path": "x.tsv", "colums": {}}, "data.train.colums: Extra inputs are not permitted"),
    ([{"path": "x.tsv"}, {"path": "y.tsv", "limit": 0}], "data.train.1.limit: Input should be greater than 0"),
    (["x.tsv", "y.foo"], "data.train.1: cannot read the data spec 'y.foo'"),
    ({"format": "tsv"}, "data.train: format tsv needs a path"),
])
def test_spec_errors_in_a_config_are_one_plain_line(train, message):
    from xlt.finetune.config import TrainConfig

    with pytest.raises(ConfigError) as err:
        TrainConfig.validated({"name": "x", "data": {"train": train, "test": "t.tsv"}}, source="c.yaml")
    assert str(err.value).startswith(f"c.yaml: {message}")
    assert "\n" not in str(err.value) and "function-after" not in str(err.value) and "list[" not in str(err.value)
