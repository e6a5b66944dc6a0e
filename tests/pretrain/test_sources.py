"""Objective data: raw text by language, pairs by language pair, skip/limit windows, sides, held-out split."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlt.errors import ConfigError
from xlt.pretrain.config import SourceSpec
from xlt.pretrain.sources import load_mono, load_pairs, split_heldout


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "mono.de.txt").write_text("eins\nzwei\n\ndrei\nvier\n", encoding="utf-8")
    (tmp_path / "p.de").write_text("hund\nkatze\nhaus\n", encoding="utf-8")
    (tmp_path / "p.fr").write_text("chien\nchat\nmaison\n", encoding="utf-8")
    (tmp_path / "p.en").write_text("dog\ncat\nhouse\n", encoding="utf-8")
    return tmp_path


def _parallel(root: Path, **kw) -> SourceSpec:
    return SourceSpec(parallel={"format": "lines", "src": f"{root}/p.{{lang}}", "tgt": f"{root}/p.en",
                                "tgt_lang": "en"}, languages=["de", "fr"], **kw)


def test_text_with_skip_and_limit(files):
    source = SourceSpec(text=str(files / "mono.{lang}.txt"), languages=["de"], skip=1, limit=2)
    assert load_mono([source]) == {"de": ["zwei", "drei"]}


def test_pairs_grouped_by_language_pair(files):
    pairs = load_pairs([_parallel(files, skip=1)])
    assert pairs == {"de-en": [("katze", "cat"), ("haus", "house")], "fr-en": [("chat", "cat"), ("maison", "house")]}


def test_parallel_as_text_keeps_each_sentence_once(files):
    mono = load_mono([_parallel(files)])
    assert mono["en"] == ["dog", "cat", "house"]  # shared English side of two pairs: once
    assert load_mono([_parallel(files, sides="src")]).keys() == {"de", "fr"}


def test_text_source_for_a_pair_objective_is_an_error(files):
    with pytest.raises(ConfigError, match="needs translation pairs"):
        load_pairs([SourceSpec(text=str(files / "mono.{lang}.txt"), languages=["de"])])


def test_empty_window_is_an_error(files):
    with pytest.raises(ConfigError, match="no data left"):
        load_mono([SourceSpec(text=str(files / "mono.{lang}.txt"), languages=["de"], skip=10)])


def test_heldout_takes_the_last_lines_at_most_a_fifth():
    train, held = split_heldout({"de": [str(i) for i in range(10)], "fr": ["a", "b", "c"]}, per_language=5)
    assert held == {"de": ["8", "9"]} and train["de"] == [str(i) for i in range(8)] and train["fr"] == ["a", "b", "c"]
