"""Translate a line-aligned text file (the ``xlt translate`` command)."""

from __future__ import annotations

from pathlib import Path

from xlt.evaluate.score_translations import read_segments
from xlt.io import write_text
from xlt.translate import get_translator, translate_texts


def translate_file(input_file: str | Path, translator: str, output: str | Path, *, device: str = "auto") -> Path:
    """Write one translation per input line to ``output`` (atomically); returns ``output``. ``device``: where a
    model translator (``hf:``) runs (``auto``: a GPU where there is one)."""
    lines = read_segments(input_file)
    out = translate_texts(get_translator(translator, device=device), lines,
                          desc=f"{Path(input_file).name} ({translator})")
    write_text(output, "".join(t + "\n" for t in out))
    return Path(output)
