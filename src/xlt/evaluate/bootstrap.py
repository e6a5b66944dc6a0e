"""Paired percentile bootstrap confidence intervals for a metric.

Resampling is done by :func:`scipy.stats.bootstrap` (``method="percentile"``) over example indices,
so gold and predicted values stay paired whatever they are (labels, tag lists, lists of answers):
that is exactly the paired bootstrap over examples. Three ways to evaluate a resample, fastest first:

* label metrics registered with a ``batched`` version (macro-F1), when every value is a plain label:
  each (gold, predicted) pair is packed into one integer and every resample becomes a confusion matrix
  via ``np.bincount``, instead of one scikit-learn call per resample (this matters for 200-language
  matrices); the matrices of a few resamples at a time, as many as fit in ``_MAX_BATCH_CELLS`` counts,
  since with one label per example (retrieval: ``k`` = ``n``) a single matrix has ``n * n`` cells;
* metrics registered with a ``decomposed`` version (accuracy, entity F1, word accuracy,
  the QA metrics): per-example statistics are computed once and each resample only sums their rows;
* any other metric: one call per resample on the resampled examples.

>>> lo, hi = bootstrap_interval(["a", "b"] * 50, ["a", "b"] * 40 + ["b", "a"] * 10, "accuracy")
>>> lo < 0.8 < hi
True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from scipy import stats

from xlt.evaluate.metrics import (
    METRICS,
    BatchedMetric,
    Combine,
    ExampleStats,
    Metric,
    get_decomposed,
    get_metric,
    metric_info,
)

_MAX_BATCH_CELLS = 1_000_000  # values held in memory at once: resamples x examples, or confusion counts


class BootstrapEstimate(NamedTuple):
    """The percentile interval and the bootstrap standard error (sd of the resampled values, ``ddof=1``)."""

    low: float
    high: float
    se: float


def bootstrap_interval(
    y_true: Sequence[Any],
    y_pred: Sequence[Any],
    metric: str | Metric,
    *,
    lang: str | None = None,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """Return the ``confidence`` percentile-bootstrap interval ``(low, high)`` of ``metric``.

    ``metric`` is a registered name (:data:`~xlt.evaluate.metrics.METRICS`) or a callable; ``lang`` is passed
    to language-dependent metrics (MLQA). With one example, or when every resample gives the same
    value, the interval collapses to the point estimate.

    >>> bootstrap_interval(["a"], ["a"], "macro_f1")
    (1.0, 1.0)
    """
    low, high, _ = bootstrap_estimate(y_true, y_pred, metric, lang=lang, confidence=confidence,
                                      n_resamples=n_resamples, seed=seed)
    return low, high


def bootstrap_estimate(
    y_true: Sequence[Any],
    y_pred: Sequence[Any],
    metric: str | Metric,
    *,
    lang: str | None = None,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    seed: int = 0,
) -> BootstrapEstimate:
    """:func:`bootstrap_interval` and, from the same resamples, the bootstrap standard error of ``metric``.

    >>> bootstrap_estimate(["a"], ["a"], "macro_f1")
    BootstrapEstimate(low=1.0, high=1.0, se=0.0)
    """
    fn, batched, decomposed = _resolve(metric, lang)
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}")
    if len(y_true) == 0:
        raise ValueError("cannot bootstrap a metric over zero examples")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    if len(y_true) == 1:  # scipy refuses a single observation; the interval is the point itself
        point = float(fn(y_true, y_pred))
        return BootstrapEstimate(point, point, 0.0)

    n = len(y_true)
    if batched is not None and _is_flat(y_true) and _is_flat(y_pred):
        classes, codes = np.unique(np.concatenate([np.asarray(y_true), np.asarray(y_pred)]), return_inverse=True)
        k = len(classes)
        data = codes[:n] * k + codes[n:]  # one integer per example: gold * k + predicted
        cells, vectorized = n, True
        rows = max(1, _MAX_BATCH_CELLS // (k * k))  # resamples whose k x k confusion matrices fit at once

        def statistic(x: np.ndarray, axis: int = -1) -> np.ndarray:
            x = np.moveaxis(np.asarray(x), axis, -1)
            flat = x.reshape(-1, x.shape[-1])
            out = np.empty(len(flat))
            for start in range(0, len(flat), rows):
                part = flat[start:start + rows]
                offsets = np.arange(len(part))[:, None] * (k * k)
                counts = np.bincount((part + offsets).ravel(), minlength=len(part) * k * k)
                out[start:start + len(part)] = batched(counts.reshape(len(part), k, k))
            return out.reshape(x.shape[:-1])

    elif decomposed is not None:
        example_stats, combine = decomposed
        table = np.asarray(example_stats(y_true, y_pred), dtype=float)
        data, cells, vectorized = np.arange(n), n * table.shape[1], True

        def statistic(x: np.ndarray, axis: int = -1) -> np.ndarray:
            x = np.moveaxis(np.asarray(x), axis, -1)
            return combine(table[x].sum(axis=-2))

    else:
        data, cells, vectorized = np.arange(n), n, False
        true, pred = list(y_true), list(y_pred)

        def statistic(x: np.ndarray) -> float:
            return float(fn([true[i] for i in x], [pred[i] for i in x]))

    res = stats.bootstrap(
        (data,),
        statistic,
        n_resamples=n_resamples,
        batch=max(1, _MAX_BATCH_CELLS // cells),
        vectorized=vectorized,
        confidence_level=confidence,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
    se = float(res.standard_error)
    return BootstrapEstimate(low, high, se if np.isfinite(se) else 0.0)  # one resample: no spread to measure


def _resolve(metric: str | Metric, lang: str | None
             ) -> tuple[Metric, BatchedMetric | None, tuple[ExampleStats, Combine] | None]:
    if isinstance(metric, functools.partial) and set(metric.keywords) == {"lang"} and not metric.args:
        # a language-bound registry metric, e.g. from mlqa_metrics(lang): use its fast path too
        name = next((n for n, m in METRICS.items() if m.fn is metric.func and m.language_dependent), None)
        if name is not None:
            return metric, None, get_decomposed(name, metric.keywords["lang"])
    if not isinstance(metric, str):
        metric = next((name for name, m in METRICS.items() if m.fn is metric), metric)
    if isinstance(metric, str):
        return get_metric(metric, lang), metric_info(metric).batched, get_decomposed(metric, lang)
    return metric, None, None


def _is_flat(values: Sequence[Any]) -> bool:
    """True when every value is a single label (not a list of tags or answers)."""
    return not any(isinstance(v, (list, tuple, set, dict, np.ndarray)) for v in values)
