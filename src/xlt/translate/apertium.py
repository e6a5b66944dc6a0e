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
    """One Apertium direction; one ``apertium -u <pair>`` process per batch, one text per line.

    Unknown words are passed through unmarked (``-u``: no ``*``), the usual setting for scoring.
    Newlines inside a text become spaces (a line is a text); the output must have one line per input
    line, else the batch fails and nothing of it is cached.
    """

    batch_size = 500

    def __init__(self, pair: str, *, program: str = "apertium") -> None:
        if not pair:
            raise TranslationError("apertium: name a language pair, e.g. apertium:eng-spa (see `apertium -l`)")
        self.pair = pair
        self.program = program

    @property
    def cache_key(self) -> str:
        return f"apertium:{self.pair}"

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
        lines = [" ".join(t.split()) for t in texts]  # one text per line; \r, tabs and newlines -> spaces
        try:
            done = subprocess.run([self._executable(), "-u", self.pair], input="\n".join(lines) + "\n",
                                  capture_output=True, text=True, encoding="utf-8", timeout=_TIMEOUT_S)
        except subprocess.TimeoutExpired as err:
            raise TranslationError(f"apertium:{self.pair}: no answer after {_TIMEOUT_S} s on a batch of "
                                   f"{len(texts)} texts") from err
        if done.returncode != 0:
            raise TranslationError(f"apertium:{self.pair} failed (exit {done.returncode}) on a batch of {len(texts)} "
                                   f"texts: {done.stderr.strip()[:500] or 'no message'}")
        out = done.stdout.split("\n")
        if out and out[-1] == "":
            out.pop()
        if len(out) != len(lines):
            raise TranslationError(f"apertium:{self.pair}: {len(lines)} lines in but {len(out)} lines out; "
                                   "cannot align the translations (nothing of this batch was cached)")
        return [line.strip() for line in out]
