"""Metrics by name: classification, token tagging (NER, POS) and extractive QA.

Each metric takes gold and predicted values, one per example, and returns a float. For
classification they are labels (scikit-learn does the work); for tagging, one list of tags per
sentence (:mod:`xlt.evaluate.tagging_metrics`); for QA, one list of gold answers and one predicted
string per question (:mod:`xlt.evaluate.qa_metrics`). Language-dependent metrics also take a keyword
``lang``; :func:`get_metric` binds it.

A metric is one function plus one :func:`register_metric` call, which also gives its report label and
description. To keep bootstrap intervals fast, the call may add a ``batched`` version (a function of
stacked confusion matrices, for label metrics) or a ``decomposed`` one (per-example sufficient statistics
whose sums give the metric); without one, bootstrap calls the plain function per resample.

>>> round(get_metric("accuracy")(["a", "b", "b"], ["a", "b", "a"]), 3)
0.667
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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

__all__ = ["METRICS", "MetricInfo", "accuracy", "describe_metric", "entity_f1", "entity_type_f1", "exact_match",
           "exact_match_mlqa", "get_decomposed", "get_metric", "macro_f1", "metric_label", "mlqa_metrics", "qa_f1",
           "qa_f1_mlqa", "register_metric", "word_accuracy"]


@dataclass(frozen=True)
class MetricInfo:
    """A registered metric: the function and what the report and the bootstrap need to know of it."""

    name: str
    fn: Metric
    label: str  # in report headers
    description: str
    language_dependent: bool = False  # ``fn`` takes a keyword ``lang``
    batched: BatchedMetric | None = None
    decomposed: tuple[ExampleStats, Combine] | None = None
    describe_language: Callable[[str], str] | None = None  # what the metric does in one language


METRICS: dict[str, MetricInfo] = {}


def register_metric(name: str, fn: Metric, *, label: str, description: str, language_dependent: bool = False,
                    batched: BatchedMetric | None = None, decomposed: tuple[ExampleStats, Combine] | None = None,
                    describe_language: Callable[[str], str] | None = None) -> MetricInfo:
    """Make ``fn`` known as ``name`` to tasks, the bootstrap and the report."""
    METRICS[name] = MetricInfo(name, fn, label, description, language_dependent, batched, decomposed,
                               describe_language)
    return METRICS[name]


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


def get_metric(name: str, lang: str | None = None) -> Metric:
    """Return the metric called ``name``; the error lists the known names.

    For a language-dependent metric and a ``lang``, the function has ``lang`` bound
    (a plain (y_true, y_pred) metric); without ``lang`` it still needs the keyword. Other metrics
    ignore ``lang``.

    >>> get_metric("macro_f1") is macro_f1
    True
    >>> get_metric("qa_f1_mlqa", "zh")([["北京大学"]], ["北京大学"])
    1.0
    """
    info = metric_info(name)
    if lang is not None and info.language_dependent:
        return functools.partial(info.fn, lang=lang)
    return info.fn


def metric_info(name: str) -> MetricInfo:
    """The registered metric ``name``; the error lists the known names."""
    try:
        return METRICS[name]
    except KeyError:
        raise ConfigError(f"unknown metric {name!r}; known metrics: {', '.join(sorted(METRICS))}") from None


def metric_label(name: str) -> str:
    """Display name of a metric (its registered label; else from its name).

    >>> metric_label("macro_f1"), metric_label("my_score")
    ('Macro-F1', 'My score')
    """
    return METRICS[name].label if name in METRICS else name.replace("_", " ").capitalize()


def describe_metric(name: str, lang: str | None = None) -> str:
    """What ``name`` measures; for language-dependent metrics with ``lang``, the normalisation used there.

    >>> describe_metric("qa_f1_mlqa", "hi")
    'MLQA hi: lowercase, remove Unicode punctuation, no article removal, whitespace tokens'
    """
    info = metric_info(name)
    if lang is not None and info.describe_language is not None:
        return info.describe_language(lang)
    return info.description


# --- batched versions for the bootstrap -------------------------------------------------------------
# Input: confusion matrices of shape (batch, k, k), rows = gold, columns = predicted.
# They must equal the scikit-learn functions above; tests/evaluate/test_metrics.py checks that.


def _macro_f1_cm(cm: np.ndarray) -> np.ndarray:
    tp = np.diagonal(cm, axis1=-2, axis2=-1).astype(float)
    gold, pred = cm.sum(axis=-1), cm.sum(axis=-2)
    seen = (gold + pred) > 0  # scikit-learn averages over labels present in y_true or y_pred
    denom = gold + pred
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=seen)
    return f1.sum(axis=-1) / seen.sum(axis=-1)


# --- decompositions for the bootstrap -------------------------------------------------------------------
# A metric equals ``combine(stats(y_true, y_pred).sum(axis=0))``: resampling examples then only sums
# rows of a fixed (n_examples, k) array. tests/evaluate/test_eval_tagging_qa.py checks the equality.


def _hit_stats(y_true: Sequence[Any], y_pred: Sequence[Any]) -> np.ndarray:
    """Per example: (1 if the prediction is the gold value else 0, 1)."""
    hits = np.fromiter((t == p for t, p in zip(y_true, y_pred, strict=True)), dtype=float, count=len(y_true))
    return np.stack([hits, np.ones_like(hits)], axis=-1)


def _mean_stats(scores: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    def stats(y_true: Sequence[Any], y_pred: Sequence[Any], **kwargs: Any) -> np.ndarray:
        s = scores(y_true, y_pred, **kwargs)
        return np.stack([s, np.ones_like(s)], axis=-1)

    return stats


def _mlqa_description(lang: str) -> str:
    return mlqa_language(lang).description


# accuracy sums per-example hits: a confusion matrix per resample costs k * k cells, n * n for retrieval
register_metric("accuracy", accuracy, label="Accuracy", description="share of examples with the gold label",
                decomposed=(_hit_stats, ratio_from_stats))
register_metric("macro_f1", macro_f1, label="Macro-F1", description="unweighted mean of per-label F1",
                batched=_macro_f1_cm)
register_metric("entity_f1", entity_f1, label="Entity F1",
                description="entity-level micro F1, seqeval strict IOB2 (exact span and type)",
                decomposed=(entity_stats, entity_f1_from_stats))
register_metric("word_accuracy", word_accuracy, label="Word accuracy",
                description="share of all words with the gold tag", decomposed=(word_accuracy_stats, ratio_from_stats))
register_metric("exact_match", exact_match, label="Exact match",
                description="SQuAD v1.1 exact match: lowercase, no ASCII punctuation, no a/an/the, best over gold "
                            "answers", decomposed=(_mean_stats(exact_match_scores), ratio_from_stats))
register_metric("qa_f1", qa_f1, label="F1",
                description="SQuAD v1.1 token F1 on whitespace tokens (same normalisation), best over gold answers",
                decomposed=(_mean_stats(f1_scores), ratio_from_stats))
register_metric("exact_match_mlqa", exact_match_mlqa, label="Exact match (MLQA)",
                description="MLQA exact match (mlqa_evaluation_v1.py): lowercase, no Unicode punctuation, the "
                            "language's articles removed, best over gold answers", language_dependent=True,
                decomposed=(_mean_stats(exact_match_scores), ratio_from_stats), describe_language=_mlqa_description)
register_metric("qa_f1_mlqa", qa_f1_mlqa, label="F1 (MLQA)",
                description="MLQA token F1 (mlqa_evaluation_v1.py): MLQA normalisation, Chinese split into "
                            "characters, best over gold answers", language_dependent=True,
                decomposed=(_mean_stats(f1_scores), ratio_from_stats), describe_language=_mlqa_description)
register_metric("bleu", mt.bleu, label="BLEU", description=mt.describe("bleu"), language_dependent=True,
                decomposed=(mt.bleu_stats, mt.bleu_from_stats),
                describe_language=functools.partial(mt.describe, "bleu"))
register_metric("chrf", mt.chrf, label="chrF", description=mt.describe("chrf"), language_dependent=True,
                decomposed=(mt.chrf_stats, mt.chrf_from_stats),
                describe_language=functools.partial(mt.describe, "chrf"))


def get_decomposed(name: str, lang: str | None = None) -> tuple[ExampleStats, Combine] | None:
    """``(stats, combine)`` for ``name`` with ``lang`` bound where it matters, or ``None``."""
    info = metric_info(name)
    if info.decomposed is None:
        return None
    stats, combine = info.decomposed
    if info.language_dependent:
        if lang is None:
            raise ConfigError(f"metric {name!r} depends on the language; pass lang")
        stats = functools.partial(stats, lang=lang)
    return stats, combine
