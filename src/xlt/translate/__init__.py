"""Machine translation behind one interface, with a disk cache: ``translate_texts(get_translator(name), texts)``.

Backends by name: ``hf:<model folder or hub id>`` and ``apertium:<pair>``. A new backend is one file
plus one :func:`register_translator` call.

>>> get_translator("apertium:eng-spa").cache_key
'apertium:eng-spa:sep'
>>> get_translator("google:en-es")
Traceback (most recent call last):
...
xlt.translate.base.TranslationError: unknown translator 'google:en-es'; known backends: apertium:<pair>, hf:<model>
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlt.translate.apertium import ApertiumTranslator
from xlt.translate.base import TranslationError, Translator
from xlt.translate.cache import TranslationCache
from xlt.translate.hf import HFTranslator

TRANSLATORS: dict[str, type[Translator]] = {}


def register_translator(backend: str, cls: type[Translator]) -> type[Translator]:
    """Make ``backend:<argument>`` names build ``cls(argument, **options)``."""
    TRANSLATORS[backend] = cls
    return cls


register_translator("hf", HFTranslator)
register_translator("apertium", ApertiumTranslator)


def check_translator_name(spec: str | dict[str, Any]) -> None:
    """Fail with the known backends unless ``spec`` names a registered one (nothing is built or loaded)."""
    name = str(spec.get("name", "")) if isinstance(spec, dict) else spec
    backend, sep, _ = name.partition(":")
    if not sep or backend not in TRANSLATORS:
        raise TranslationError(f"unknown translator {name!r}; known backends: "
                               f"{', '.join(f'{b}:<{cls.argument}>' for b, cls in sorted(TRANSLATORS.items()))}")


def get_translator(spec: str | dict[str, Any] | Translator, *, device: str | None = None) -> Translator:
    """A translator from ``"backend:argument"`` or ``{"name": "backend:argument", **options}``.

    Options go to the backend (hf: ``src_lang``, ``tgt_lang``, ``num_beams``, ``max_length``, ``device``).
    ``device`` is where a backend that runs a model runs it, unless its options say (backends without a
    model, such as apertium, ignore it).
    """
    if isinstance(spec, Translator):
        return spec
    options: dict[str, Any] = {}
    if isinstance(spec, dict):
        options = {k: v for k, v in spec.items() if k != "name"}
        spec = str(spec.get("name", ""))
    check_translator_name(spec)
    backend, _, argument = spec.partition(":")
    if device is not None and TRANSLATORS[backend].runs_on_device:
        options.setdefault("device", device)
    try:
        return TRANSLATORS[backend](argument, **options)
    except TypeError as err:
        raise TranslationError(f"translator {spec!r}: bad options {options}: {err}") from err



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


__all__ = ["TRANSLATORS", "ApertiumTranslator", "HFTranslator", "TranslationCache", "TranslationError", "Translator",
           "check_translator_name", "get_translator", "register_translator", "translate_texts"]
