"""Metrics by name: classification, token tagging (NER, POS) and extractive QA.

Each metric takes gold and predicted values, one per example, and returns a float. For
classification they are labels (scikit-learn does the work); for tagging, one list of tags per
sentence (:mod:`xlt.evaluate.tagging_metrics`); for QA, one list of gold answers and one predicted
string per question (:mod:`xlt.evaluate.qa_metrics`). Metrics in :data:`LANGUAGE_DEPENDENT` also take
a keyword ``lang``; :func:`get_metric` binds it.

To add a metric write one function and add one line to :data:`METRICS` (and to
:data:`DESCRIPTIONS`). To keep bootstrap intervals fast, optionally add a batched version to
:data:`BATCHED` (a function of stacked confusion matrices, for label metrics) or a decomposition to
:data:`DECOMPOSED` (per-example sufficient statistics whose sums give the metric); without one,
bootstrap calls the plain function per resample.

>>> round(get_metric("accuracy")(["a", "b", "b"], ["a", "b", "a"]), 3)
0.667
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from xlt.errors import ConfigError
from xlt.evaluate import translation_metrics as mt
from xlt.evaluate.qa_metrics import (
    exact_match,
    exact_match_mlqa,
    exact_match_scores,
    f1_scores,
    mlqa_language,
    mlqa_metrics,
    qa_f1,
    qa_f1_mlqa,
)
from xlt.evaluate.tagging_metrics import (
    entity_f1,
    entity_f1_from_stats,
    entity_stats,
    entity_type_f1,
    ratio_from_stats,
    word_accuracy,
    word_accuracy_stats,
)

Metric = Callable[[Sequence[Any], Sequence[Any]], float]
BatchedMetric = Callable[[np.ndarray], np.ndarray]
ExampleStats = Callable[[Sequence[Any], Sequence[Any]], np.ndarray]  # -> (n_examples, k)
Combine = Callable[[np.ndarray], np.ndarray]  # summed stats (..., k) -> metric values (...)

__all__ = ["BATCHED", "DECOMPOSED", "DESCRIPTIONS", "LANGUAGE_DEPENDENT", "METRICS", "accuracy", "describe_metric",
           "entity_f1", "entity_type_f1", "exact_match", "exact_match_mlqa", "get_decomposed", "get_metric",
           "macro_f1", "mlqa_metrics", "qa_f1", "qa_f1_mlqa", "word_accuracy"]


def accuracy(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Share of examples whose predicted label equals the gold label.

    >>> accuracy(["a", "b"], ["a", "a"])
    0.5
    """
    return float(accuracy_score(y_true, y_pred))


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Unweighted mean of per-label F1 over the labels seen in ``y_true`` or ``y_pred``.

    >>> round(macro_f1(["a", "a", "b"], ["a", "b", "b"]), 3)
    0.667
    """
    return float(f1_score(y_true, y_pred, average="macro", zero_division=0))


METRICS: dict[str, Metric] = {
    "accuracy": accuracy,
    "macro_f1": macro_f1,
    "entity_f1": entity_f1,
    "word_accuracy": word_accuracy,
    "exact_match": exact_match,
    "qa_f1": qa_f1,
    "exact_match_mlqa": exact_match_mlqa,
    "qa_f1_mlqa": qa_f1_mlqa,
    "bleu": mt.bleu,
    "chrf": mt.chrf,
}

LANGUAGE_DEPENDENT = frozenset({"exact_match_mlqa", "qa_f1_mlqa", "bleu", "chrf"})  # take a keyword ``lang``

DESCRIPTIONS: dict[str, str] = {
    "accuracy": "share of examples with the gold label",
    "macro_f1": "unweighted mean of per-label F1",
    "entity_f1": "entity-level micro F1, seqeval strict IOB2 (exact span and type)",
    "word_accuracy": "share of all words with the gold tag",
    "exact_match": "SQuAD v1.1 exact match: lowercase, no ASCII punctuation, no a/an/the, best over gold answers",
    "qa_f1": "SQuAD v1.1 token F1 on whitespace tokens (same normalisation), best over gold answers",
    "exact_match_mlqa": "MLQA exact match (mlqa_evaluation_v1.py): lowercase, no Unicode punctuation, "
                        "the language's articles removed, best over gold answers",
    "qa_f1_mlqa": "MLQA token F1 (mlqa_evaluation_v1.py): MLQA normalisation, Chinese split into characters, "
                  "best over gold answers",
    "bleu": mt.describe("bleu"),
    "chrf": mt.describe("chrf"),
}


def get_metric(name: str, lang: str | None = None) -> Metric:
    """Return the metric called ``name``; the error lists the known names.

    For a metric in :data:`LANGUAGE_DEPENDENT` and a ``lang``, the function has ``lang`` bound
    (a plain (y_true, y_pred) metric); without ``lang`` it still needs the keyword. Other metrics
    ignore ``lang``.

    >>> get_metric("macro_f1") is macro_f1
    True
    >>> get_metric("qa_f1_mlqa", "zh")([["北京大学"]], ["北京大学"])
    1.0
    """
    try:
        fn = METRICS[name]
    except KeyError:
        raise ConfigError(f"unknown metric {name!r}; known metrics: {', '.join(sorted(METRICS))}") from None
    if lang is not None and name in LANGUAGE_DEPENDENT:
        return functools.partial(fn, lang=lang)
    return fn


def describe_metric(name: str, lang: str | None = None) -> str:
    """What ``name`` measures; for language-dependent metrics with ``lang``, the normalisation used there.

    >>> describe_metric("qa_f1_mlqa", "hi")
    'MLQA hi: lowercase, remove Unicode punctuation, no article removal, whitespace tokens'
    """
    get_metric(name)
    if lang is not None and name in ("bleu", "chrf"):
        return mt.describe(name, lang)  # sacreBLEU's signature, tokenizer of the target language
    if lang is not None and name in LANGUAGE_DEPENDENT:
        return mlqa_language(lang).description
    return DESCRIPTIONS.get(name, name)


# --- batched versions for the bootstrap -------------------------------------------------------------
# Input: confusion matrices of shape (batch, k, k), rows = gold, columns = predicted.
# They must equal the scikit-learn functions above; tests/evaluate/test_metrics.py checks that.


def _accuracy_cm(cm: np.ndarray) -> np.ndarray:
    return np.trace(cm, axis1=-2, axis2=-1) / cm.sum(axis=(-2, -1))


def _macro_f1_cm(cm: np.ndarray) -> np.ndarray:
    tp = np.diagonal(cm, axis1=-2, axis2=-1).astype(float)
    gold, pred = cm.sum(axis=-1), cm.sum(axis=-2)
    seen = (gold + pred) > 0  # scikit-learn averages over labels present in y_true or y_pred
    denom = gold + pred
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=seen)
    return f1.sum(axis=-1) / seen.sum(axis=-1)


BATCHED: dict[str, BatchedMetric] = {
    "accuracy": _accuracy_cm,
    "macro_f1": _macro_f1_cm,
}


# --- decompositions for the bootstrap -------------------------------------------------------------------
# A metric equals ``combine(stats(y_true, y_pred).sum(axis=0))``: resampling examples then only sums
# rows of a fixed (n_examples, k) array. tests/evaluate/test_eval_tagging_qa.py checks the equality.


def _mean_stats(scores: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    def stats(y_true: Sequence[Any], y_pred: Sequence[Any], **kwargs: Any) -> np.ndarray:
        s = scores(y_true, y_pred, **kwargs)
        return np.stack([s, np.ones_like(s)], axis=-1)

    return stats


DECOMPOSED: dict[str, tuple[Callable[..., np.ndarray], Combine]] = {
    "entity_f1": (entity_stats, entity_f1_from_stats),
    "word_accuracy": (word_accuracy_stats, ratio_from_stats),
    "exact_match": (_mean_stats(exact_match_scores), ratio_from_stats),
    "qa_f1": (_mean_stats(f1_scores), ratio_from_stats),
    "exact_match_mlqa": (_mean_stats(exact_match_scores), ratio_from_stats),
    "qa_f1_mlqa": (_mean_stats(f1_scores), ratio_from_stats),
    "bleu": (mt.bleu_stats, mt.bleu_from_stats),
    "chrf": (mt.chrf_stats, mt.chrf_from_stats),
}


def get_decomposed(name: str, lang: str | None = None) -> tuple[ExampleStats, Combine] | None:
    """``(stats, combine)`` for ``name`` with ``lang`` bound where it matters, or ``None``."""
    entry = DECOMPOSED.get(name)
    if entry is None:
        return None
    stats, combine = entry
    if name in LANGUAGE_DEPENDENT:
        if lang is None:
            raise ConfigError(f"metric {name!r} depends on the language; pass lang")
        stats = functools.partial(stats, lang=lang)
    return stats, combine
