"""Translate a line-aligned text file (the ``xlt translate`` command)."""

from __future__ import annotations

from pathlib import Path

from xlt.evaluate.score_translations import read_segments
from xlt.io import write_text
from xlt.translate import get_translator, translate_texts


def translate_file(input_file: str | Path, translator: str, output: str | Path, *, device: str = "auto",
                   ray: dict | None = None) -> Path:
    """Write one translation per input line to ``output`` (atomically); returns ``output``. ``device``: where a
    model translator (``hf:``) runs (``auto``: a GPU where there is one). ``ray``: options of
    :func:`~xlt.translate.ray_translate.translate_with_ray` (``address``, ``workers``, ``gpus_per_worker``) to
    translate on a Ray cluster instead of in this process."""
    lines = read_segments(input_file)
    if ray is not None:
        from xlt.translate.ray_translate import translate_with_ray

        out = translate_with_ray(translator, lines, device=device, **ray)
    else:
        out = translate_texts(get_translator(translator, device=device), lines,
                              desc=f"{Path(input_file).name} ({translator})")
    write_text(output, "".join(t + "\n" for t in out))
    return Path(output)
