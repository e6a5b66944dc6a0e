"""Machine translation behind one interface, with a disk cache: ``translate_texts(get_translator(name), texts)``.

Backends by name: ``hf:<model folder or hub id>`` and ``apertium:<pair>``. A new backend is one file
plus one line in :data:`BACKENDS`.

>>> get_translator("apertium:eng-spa").cache_key
'apertium:eng-spa:sep'
>>> get_translator("google:en-es")
Traceback (most recent call last):
...
xlt.translate.base.TranslationError: unknown translator 'google:en-es'; known backends: apertium:<pair>, hf:<model>
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from xlt.translate.apertium import ApertiumTranslator
from xlt.translate.base import TranslationError, Translator
from xlt.translate.cache import TranslationCache
from xlt.translate.hf import HFTranslator

BACKENDS: dict[str, Callable[..., Translator]] = {
    "hf": HFTranslator,
    "apertium": ApertiumTranslator,
}


def get_translator(spec: str | dict[str, Any] | Translator) -> Translator:
    """A translator from ``"backend:argument"`` or ``{"name": "backend:argument", **options}``.

    Options go to the backend (hf: ``src_lang``, ``tgt_lang``, ``num_beams``, ``max_length``).
    """
    if isinstance(spec, Translator):
        return spec
    options: dict[str, Any] = {}
    if isinstance(spec, dict):
        options = {k: v for k, v in spec.items() if k != "name"}
        spec = str(spec.get("name", ""))
    backend, sep, argument = spec.partition(":")
    if not sep or backend not in BACKENDS:
        raise TranslationError(f"unknown translator {spec!r}; known backends: "
                               f"{', '.join(f'{b}:<{_ARG[b]}>' for b in sorted(BACKENDS))}")
    try:
        return BACKENDS[backend](argument, **options)
    except TypeError as err:
        raise TranslationError(f"translator {spec!r}: bad options {options}: {err}") from err


_ARG = {"hf": "model", "apertium": "pair"}


def translate_texts(translator: Translator | str | dict, texts: Sequence[str], *,
                    cache: TranslationCache | None = None, batch_size: int | None = None,
                    desc: str | None = None, progress: bool = True) -> list[str]:
    """Translate ``texts`` (in order), skipping what ``cache`` has and caching each finished batch.

    Duplicates are translated once. ``cache=None`` uses the default cache
    (``$XLT_HOME/translations.sqlite``). A failing batch raises :class:`TranslationError`; batches
    finished before it stay cached, so a rerun continues where it stopped.
    """
    from tqdm.auto import tqdm

    translator = get_translator(translator)
    cache = cache if cache is not None else TranslationCache()
    key = translator.cache_key
    unique = list(dict.fromkeys(texts))
    done = cache.get(key, unique)
    todo = [t for t in unique if t not in done]
    if todo:
        translator.check()
        size = batch_size or translator.batch_size
        with tqdm(total=len(todo), desc=desc or f"translating ({key})", unit="text", disable=not progress) as bar:
            for start in range(0, len(todo), size):
                batch = todo[start:start + size]
                out = translator.translate_batch(batch)
                if len(out) != len(batch):
                    raise TranslationError(f"{key}: {len(batch)} texts in but {len(out)} translations out")
                new = dict(zip(batch, out, strict=True))
                cache.put(key, new)
                done.update(new)
                bar.update(len(batch))
    return [done[t] for t in texts]


__all__ = ["BACKENDS", "ApertiumTranslator", "HFTranslator", "TranslationCache", "TranslationError", "Translator",
           "get_translator", "translate_texts"]
