"""Translate many texts on a Ray cluster: an actor pool, one translator (one model copy) per actor.

The disk cache works as in :func:`xlt.translate.translate_texts`: the driver looks up what is cached, the actors
translate each other text once, and finished batches are cached as they come back, so a rerun after a failure
continues where it stopped. Translate-train data for many languages is one call per target language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlt.ray_cluster import ray_cluster
from xlt.translate import get_translator
from xlt.translate.base import TranslationError, Translator
from xlt.translate.cache import TranslationCache


class TranslateBatch:
    """A Ray Data callable class: the translator is built (and its model loaded) once per actor."""

    def __init__(self, spec: str | dict | Translator, device: str) -> None:
        self.translator = get_translator(spec, device=device)
        self.translator.check()

    def __call__(self, batch: Any) -> Any:
        texts = [str(t) for t in batch["text"]]
        out = self.translator.translate_batch(texts)
        if len(out) != len(texts):
            raise TranslationError(f"{self.translator.cache_key}: {len(texts)} texts in but {len(out)} out")
        batch["translation"] = out
        return batch


def translate_with_ray(spec: str | dict | Translator, texts: Sequence[str], *, address: str | None = None,
                       workers: int = 2, gpus_per_worker: float = 0, device: str = "auto",
                       batch_size: int | None = None, cache: TranslationCache | None = None) -> list[str]:
    """``texts`` translated (in order) by ``workers`` actors, each with ``gpus_per_worker`` GPUs."""
    key_source = get_translator(spec, device="cpu")  # the cache key has no device; nothing loads here
    cache = cache if cache is not None else TranslationCache()
    key = key_source.cache_key
    unique = list(dict.fromkeys(texts))
    done = cache.get(key, unique)
    todo = [t for t in unique if t not in done]
    if todo:
        with ray_cluster(address, local_cpus=workers + 1):  # +1: the driver's reads and writes
            import ray

            size = batch_size or key_source.batch_size
            translated = ray.data.from_items([{"text": t} for t in todo]).map_batches(
                TranslateBatch, fn_constructor_kwargs={"spec": spec, "device": device},
                compute=ray.data.ActorPoolStrategy(size=workers),
                batch_size=size, batch_format="pandas", num_gpus=gpus_per_worker or None)
            for batch in translated.iter_batches(batch_size=size, batch_format="pandas"):
                new = dict(zip(batch["text"], batch["translation"], strict=True))
                cache.put(key, new)  # each batch as it arrives: a failure later keeps these
                done.update(new)
    return [done[t] for t in texts]
