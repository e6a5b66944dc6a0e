"""How fast a model predicts: texts per second in batches, and the latency of one text alone.

Both go through :func:`xlt.model.predict.predict_logits` (tokenisation included), the path
``xlt evaluate`` and ``xlt serve`` use, so the numbers compare variants as a user would run them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from xlt.evaluate.machine import machine
from xlt.model.predict import predict_logits
from xlt.model.variant import read_variant


def throughput(model, tokenizer, texts: Sequence[str], *, batch_size: int = 64, max_length: int = 128) -> float:
    """Texts per second predicting ``texts`` (already prefixed) in length-sorted batches of ``batch_size``."""
    started = time.perf_counter()
    predict_logits(model, tokenizer, texts, batch_size=batch_size, max_length=max_length, desc="speed")
    return len(texts) / (time.perf_counter() - started)


def latencies_ms(model, tokenizer, texts: Sequence[str], *, max_length: int = 128) -> list[float]:
    """Milliseconds to predict each text of ``texts`` on its own (batch of one)."""
    out = []
    for text in texts:
        started = time.perf_counter()
        predict_logits(model, tokenizer, [text], batch_size=1, max_length=max_length, desc="latency")
        out.append((time.perf_counter() - started) * 1000)
    return out


def speed_sample(texts_by_lang: dict[str, list[str]], n: int, seed: int = 0) -> list[str]:
    """Up to ``n`` texts drawn evenly from every language (so no language's lengths dominate)."""
    rng = np.random.default_rng(seed)
    per = max(1, n // max(1, len(texts_by_lang)))
    sample = []
    for texts in texts_by_lang.values():
        sample += [texts[i] for i in rng.permutation(len(texts))[:per]]
    return sample


def measure(model, tokenizer, texts: Sequence[str], *, batch_size: int = 64, max_length: int = 128,
            latency_texts: int = 32) -> dict[str, float]:
    """texts/s at ``batch_size`` and p50/p90 single-text latency (ms) on ``texts``."""
    predict_logits(model, tokenizer, list(texts[:batch_size]), batch_size=batch_size, max_length=max_length,
                   desc="warm-up")
    lat = latencies_ms(model, tokenizer, list(texts[:latency_texts]), max_length=max_length)
    return {"texts_per_s": throughput(model, tokenizer, texts, batch_size=batch_size, max_length=max_length),
            "latency_ms_p50": float(np.percentile(lat, 50)), "latency_ms_p90": float(np.percentile(lat, 90)),
            "batch_size": batch_size, "n_texts": len(texts)}


def weights_size_mb(model_dir) -> float:
    """Size of the model's weights file(s) in MB: the variant's runtime file, or a saved model's safetensors."""
    from pathlib import Path

    model_dir = Path(model_dir)
    card = read_variant(model_dir)
    files = [model_dir / card.runtime_file] if card else sorted(model_dir.glob("*.safetensors"))
    return sum(f.stat().st_size for f in files) / 1e6


def speed_report(saved, model_dir, texts: Sequence[str], langs: Sequence[str], *, n: int = 256,
                 batch_size: int = 64) -> dict:
    """Speed and size of a loaded model on a language-balanced sample of its model ``texts`` (prefixed)."""
    by_lang: dict[str, list[str]] = {}
    for text, lang in zip(texts, langs, strict=True):
        by_lang.setdefault(lang, []).append(text)
    sample = speed_sample(by_lang, n)
    length = saved.spec.resolved_max_length()
    return {**measure(saved.model, saved.tokenizer, sample, batch_size=batch_size, max_length=length),
            "size_mb": weights_size_mb(model_dir), "machine": machine()}
