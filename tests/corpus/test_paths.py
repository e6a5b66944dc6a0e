"""Environment-variable expansion and the {lang} placeholder."""

from __future__ import annotations

import pytest

from xlt.corpus.paths import expand_env, language_files
from xlt.errors import ConfigError, DataError


@pytest.mark.parametrize("template", ["$XLT_DATA/sib200/x.tsv", "${XLT_DATA}/sib200/x.tsv"])
def test_expand_both_forms(monkeypatch, template):
    monkeypatch.setenv("XLT_DATA", "/d")
    assert expand_env(template) == "/d/sib200/x.tsv"


@pytest.mark.parametrize("value", [None, ""])
def test_unset_xlt_data_is_a_clear_config_error(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("XLT_DATA", raising=False)
    else:
        monkeypatch.setenv("XLT_DATA", value)
    with pytest.raises(ConfigError, match="XLT_DATA is not set.*export XLT_DATA="):
        expand_env("$XLT_DATA/xnli/dev-{lang}.tsv")


def test_home_is_expanded(monkeypatch):
    monkeypatch.setenv("HOME", "/home/me")
    assert expand_env("~/x.tsv") == "/home/me/x.tsv"


def test_language_files_given_and_discovered(tmp_path):
    for lang in ("eng_Latn", "deu_Latn"):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "test.tsv").write_text("x")
    (tmp_path / "fra_Latn").mkdir()  # no test.tsv: not a language of this pattern
    template = str(tmp_path / "{lang}" / "test.tsv")
    assert list(language_files(template)) == ["deu_Latn", "eng_Latn"]
    assert language_files(template, ["xx"]) == {"xx": tmp_path / "xx" / "test.tsv"}


def test_language_files_repeated_placeholder(tmp_path):
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "dev-de.tsv").write_text("x")
    (tmp_path / "de" / "dev-en.tsv").write_text("x")
    assert list(language_files(str(tmp_path / "{lang}" / "dev-{lang}.tsv"))) == ["de"]


def test_language_files_errors(tmp_path):
    with pytest.raises(DataError, match="no file matches"):
        language_files(str(tmp_path / "dev-{lang}.tsv"))
    with pytest.raises(ConfigError, match="placeholder"):
        language_files(str(tmp_path / "dev.tsv"))
