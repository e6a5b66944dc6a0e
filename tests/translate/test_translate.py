"""Translator backends, the disk cache and the error paths, with small fake ``apertium`` programs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from xlt.errors import ModelError
from xlt.translate import (
    ApertiumTranslator,
    TranslationCache,
    TranslationError,
    Translator,
    get_translator,
    translate_texts,
)

FAKE_APERTIUM = """\
#!{python}
# A stand-in for Debian's apertium: -l lists the pairs; '-u PAIR' upper-cases each line.
# A line 'BOOM' makes it print what it has so far and die (exit 3); 'SHORT' drops that line and the
# separator after it (so the answer cannot be aligned).
import sys
args = sys.argv[1:]
if args == ["-l"]:
    print("  eng-spa\\n  spa-eng")
    sys.exit(0)
if args[:1] != ["-u"] or args[1] not in ("eng-spa", "spa-eng"):
    print("Error: Mode does not exist", file=sys.stderr)
    sys.exit(1)
skip = False
for line in sys.stdin.read().split("\\n")[:-1]:
    if line == "BOOM":
        sys.stdout.flush()
        print("segmentation fault in transfer", file=sys.stderr)
        sys.exit(3)
    if line == "SHORT":
        skip = True
    elif skip:
        skip = False
    else:
        print(line.upper())
"""


@pytest.fixture
def fake_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH holding only a fake ``apertium`` (and a log of the lines it was given)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "apertium"
    program.write_text(FAKE_APERTIUM.format(python=sys.executable))
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


@pytest.fixture
def cache(tmp_path: Path) -> TranslationCache:
    return TranslationCache(tmp_path / "cache.sqlite")


class CountingTranslator(Translator):
    """Reverses each text; records every text it was asked to translate."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @property
    def cache_key(self) -> str:
        return "test:reverse"

    def translate_batch(self, texts: list[str]) -> list[str]:
        self.seen.extend(texts)
        return [t[::-1] for t in texts]


def test_second_run_translates_nothing(cache):
    first = CountingTranslator()
    texts = ["abc", "de", "abc", "fgh"]
    assert translate_texts(first, texts, cache=cache, batch_size=2, progress=False) == ["cba", "ed", "cba", "hgf"]
    assert first.seen == ["abc", "de", "fgh"]  # duplicates translated once
    again = CountingTranslator()
    assert translate_texts(again, texts, cache=cache, progress=False) == ["cba", "ed", "cba", "hgf"]
    assert again.seen == []
    # a new text costs one translation; the others still come from the cache
    third = CountingTranslator()
    translate_texts(third, ["abc", "new"], cache=cache, progress=False)
    assert third.seen == ["new"]


def test_cache_is_keyed_by_translator(cache):
    cache.put("apertium:eng-spa", {"dog": "perro"})
    assert cache.get("apertium:eng-spa", ["dog"]) == {"dog": "perro"}
    assert cache.get("apertium:eng-cat", ["dog"]) == {}


def test_fake_apertium_translates_line_by_line(fake_path, cache):
    out = translate_texts("apertium:eng-spa", ["a cat", "two\nlines\r", "  b "], cache=cache, progress=False)
    assert out == ["A CAT", "TWO LINES", "B"]


def test_missing_program_names_the_packages(tmp_path, monkeypatch, cache):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(TranslationError, match=r"not installed.*apt-get install apertium apertium-eng-spa"):
        translate_texts("apertium:eng-spa", ["x"], cache=cache, progress=False)
    assert len(cache) == 0


def test_missing_pair_names_the_package_and_the_installed_pairs(fake_path, cache):
    with pytest.raises(TranslationError, match=r"apertium-eng-deu or apertium-deu-eng.*eng-spa, spa-eng"):
        translate_texts("apertium:eng-deu", ["x"], cache=cache, progress=False)


def test_a_process_that_dies_midway_caches_nothing_wrong(fake_path, cache):
    texts = ["one", "two", "three", "BOOM", "five"]
    with pytest.raises(TranslationError, match=r"exit 3.*segmentation fault"):
        translate_texts("apertium:eng-spa", texts, cache=cache, batch_size=2, progress=False)
    # the first batch finished and is cached, correctly; nothing of the failed batch (not even 'three')
    assert cache.get("apertium:eng-spa:sep", texts) == {"one": "ONE", "two": "TWO"}
    assert len(cache) == 2


def test_a_misaligned_answer_caches_nothing(fake_path, cache):
    with pytest.raises(TranslationError, match="3 texts in but the answer holds 1 of their separators"):
        translate_texts("apertium:eng-spa", ["a", "SHORT", "c"], cache=cache, progress=False)
    assert len(cache) == 0


def test_unknown_backend_and_bad_options():
    with pytest.raises(TranslationError, match="known backends: apertium:<pair>, hf:<model>"):
        get_translator("deepl:en-es")
    with pytest.raises(TranslationError, match="bad options"):
        get_translator({"name": "apertium:eng-spa", "beams": 4})
    assert isinstance(get_translator({"name": "apertium:eng-spa"}), ApertiumTranslator)


def test_hf_backend_offline_gives_the_hub_message(cache, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match="not a local folder and the Hugging Face hub"):
        translate_texts("hf:Helsinki-NLP/opus-mt-en-es", ["hello"], cache=cache, progress=False)
    assert len(cache) == 0


@pytest.mark.needs_apertium("eng-spa")
def test_real_apertium_eng_spa(cache):
    out = translate_texts("apertium:eng-spa", ["The house is big.", "I like the cat."], cache=cache, progress=False)
    assert out == ["La casa es grande.", "Me gusta el gato."]


@pytest.mark.needs_apertium("eng-spa")
def test_real_apertium_keeps_texts_without_a_full_stop_apart(cache):
    """One text per line was not enough: Apertium moved 'market' into the previous line's noun phrase."""
    texts = ["the new president", "market", "He said it.", "two\nlines"]
    together = translate_texts("apertium:eng-spa", texts, cache=cache, progress=False)
    alone = [ApertiumTranslator("eng-spa").translate_batch([text])[0] for text in texts]
    assert together == alone
    assert "presidente" in together[0] and "presidente" not in together[1]
