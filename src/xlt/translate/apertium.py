"""``apertium:<pair>``: Debian's rule-based Apertium translator, run as a command line program.

Install with ``make apertium`` (or ``apt-get install apertium apertium-eng-spa``); ``apertium -l``
lists the installed directions, e.g. ``eng-spa``, ``spa-eng``, ``fr-es``.
"""

from __future__ import annotations

import shutil
import subprocess

from xlt.translate.base import TranslationError, Translator

_TIMEOUT_S = 600


def _pair_packages(pair: str) -> str:
    """Debian package names that may hold ``pair`` (both directions share one package)."""
    parts = pair.split("_")[0].split("-")
    if len(parts) != 2:
        return "apertium-<lang1>-<lang2>"
    a, b = parts
    return f"apertium-{a}-{b} or apertium-{b}-{a}"


class ApertiumTranslator(Translator):
    """One Apertium direction; one ``apertium -u <pair>`` process per batch.

    Unknown words are passed through unmarked (``-u``: no ``*``), the usual setting for scoring.
    Newlines inside a text become spaces. Apertium reads a newline as a blank, not as a boundary: its
    transfer rules reorder words across lines that do not end a sentence (``"the new president"`` and
    ``"market"`` on two lines came back as ``"la lonja de"`` / ``"presidente nueva"``). So every text is
    followed by a line holding a numbered separator that ends a sentence (``XLTSEP7.``, an unknown word
    passed through unchanged); the translation of text *i* is what comes before separator *i*. A missing
    or out-of-order separator fails the batch, and nothing of it is cached.
    """

    batch_size = 500
    argument = "pair"

    def __init__(self, pair: str, *, program: str = "apertium") -> None:
        if not pair:
            raise TranslationError("apertium: name a language pair, e.g. apertium:eng-spa (see `apertium -l`)")
        self.pair = pair
        self.program = program

    @property
    def cache_key(self) -> str:
        # ":sep" = texts sent with sentence-ending separators; translations cached before (one line per
        # text, words moved across texts) are not reused
        return f"apertium:{self.pair}:sep"

    def _executable(self) -> str:
        path = shutil.which(self.program)
        if path is None:
            raise TranslationError(
                f"apertium:{self.pair}: the program {self.program!r} is not installed (not on PATH). Install it "
                f"with `make apertium` or, as root, `apt-get install apertium {_pair_packages(self.pair).split()[0]}` "
                f"(Debian/Ubuntu packages: apertium and {_pair_packages(self.pair)})")
        return path

    def available_pairs(self) -> list[str]:
        done = subprocess.run([self._executable(), "-l"], capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise TranslationError(f"apertium -l failed (exit {done.returncode}): {done.stderr.strip()[:500]}")
        return [line.strip() for line in done.stdout.splitlines() if line.strip()]

    def check(self) -> None:
        pairs = self.available_pairs()
        if self.pair not in pairs:
            raise TranslationError(
                f"apertium:{self.pair}: this language pair is not installed. Install the Debian package "
                f"{_pair_packages(self.pair)} (`apt-cache search apertium` lists them). Installed directions: "
                f"{', '.join(pairs) or 'none'}")

    def translate_batch(self, texts: list[str]) -> list[str]:
        lines = [" ".join(t.split()) for t in texts]  # \r, tabs and newlines -> spaces
        stdin = "".join(f"{line}\n{_separator(i)}\n" for i, line in enumerate(lines))
        try:
            done = subprocess.run([self._executable(), "-u", self.pair], input=stdin,
                                  capture_output=True, text=True, encoding="utf-8", timeout=_TIMEOUT_S)
        except subprocess.TimeoutExpired as err:
            raise TranslationError(f"apertium:{self.pair}: no answer after {_TIMEOUT_S} s on a batch of "
                                   f"{len(texts)} texts") from err
        if done.returncode != 0:
            raise TranslationError(f"apertium:{self.pair} failed (exit {done.returncode}) on a batch of {len(texts)} "
                                   f"texts: {done.stderr.strip()[:500] or 'no message'}")
        return self._split(done.stdout, len(lines))

    def _split(self, stdout: str, n: int) -> list[str]:
        """The translations before each separator, in order; an error if any separator is missing."""
        out: list[str] = []
        current: list[str] = []
        for line in stdout.split("\n"):
            if line.strip() == _separator(len(out)):
                out.append(" ".join(" ".join(current).split()))
                current = []
            elif line.strip():
                current.append(line)
        if len(out) != n or current:
            raise TranslationError(f"apertium:{self.pair}: {n} texts in but the answer holds {len(out)} of their "
                                   "separators in order; cannot align the translations (nothing of this batch "
                                   "was cached)")
        return out


def _separator(i: int) -> str:
    """The line after text ``i``: an unknown word (passed through as it is) ending a sentence."""
    return f"XLTSEP{i}."
