"""Token-tagging metrics (NER, POS): one list of tags per sentence in ``y_true`` and ``y_pred``.

Entity scores are seqeval's strict IOB2 mode: an entity counts only when its ``B-`` start, every
``I-`` continuation and its type match exactly, and an ``I-X`` that does not continue a ``B-X``/``I-X``
starts no entity at all (seqeval's default mode would treat it as the start of an entity).

>>> gold = [["B-PER", "I-PER", "O", "B-LOC"]]
>>> round(entity_f1(gold, [["B-PER", "I-PER", "O", "O"]]), 3)
0.667
>>> word_accuracy([["NOUN", "VERB"], ["DET"]], [["NOUN", "NOUN"], ["DET"]])
0.6666666666666666
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from seqeval.metrics import classification_report
from seqeval.metrics import f1_score as seqeval_f1
from seqeval.scheme import IOB2, Entities

Tags = Sequence[Sequence[str]]


def _check(y_true: Tags, y_pred: Tags) -> None:
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} sentences but y_pred has {len(y_pred)}")
    for i, (t, p) in enumerate(zip(y_true, y_pred, strict=True)):
        if isinstance(t, str) or isinstance(p, str):
            raise ValueError(f"sentence {i}: expected a list of tags, got a string")
        if len(t) != len(p):
            raise ValueError(f"sentence {i} has {len(t)} gold tags but {len(p)} predicted tags")


def _lists(tags: Tags) -> list[list[str]]:
    return [list(sentence) for sentence in tags]


def entity_f1(y_true: Tags, y_pred: Tags) -> float:
    """Entity-level micro F1, seqeval strict IOB2: ``f1_score(y_true, y_pred, mode="strict", scheme=IOB2)``.

    0.0 when neither side has an entity (seqeval's value, without its warning).
    """
    _check(y_true, y_pred)
    return float(seqeval_f1(_lists(y_true), _lists(y_pred), mode="strict", scheme=IOB2, zero_division=0))


def entity_type_f1(y_true: Tags, y_pred: Tags) -> dict[str, dict[str, float]]:
    """Per entity type: ``{"precision", "recall", "f1", "support"}`` (seqeval strict IOB2 report).

    Types are those seen in gold or predictions, sorted; ``support`` is the number of gold entities.

    >>> entity_type_f1([["B-PER", "O"]], [["B-PER", "B-LOC"]])["LOC"]
    {'precision': 0.0, 'recall': 0.0, 'f1': 0.0, 'support': 0}
    """
    _check(y_true, y_pred)
    report = classification_report(_lists(y_true), _lists(y_pred), mode="strict", scheme=IOB2,
                                   output_dict=True, zero_division=0)
    averages = {"micro avg", "macro avg", "weighted avg"}
    return {name: {"precision": float(row["precision"]), "recall": float(row["recall"]),
                   "f1": float(row["f1-score"]), "support": int(row["support"])}
            for name, row in sorted(report.items()) if name not in averages}


def entity_type_table(per_language: Mapping[str, tuple[Tags, Tags]], value: str = "f1"
                      ) -> dict[str, dict[str, Any]]:
    """Entity type -> language -> ``value`` (default F1) for :func:`~xlt.evaluate.report.write_report`'s
    ``extra_tables``; a type absent from a language (neither gold nor predicted) is ``None``.

    >>> entity_type_table({"en": ([["B-PER"]], [["B-PER"]]), "de": ([["B-LOC"]], [["O"]])})
    {'LOC': {'en': None, 'de': 0.0}, 'PER': {'en': 1.0, 'de': None}}
    """
    scores = {lang: entity_type_f1(t, p) for lang, (t, p) in per_language.items()}
    types = sorted({name for per_type in scores.values() for name in per_type})
    return {name: {lang: (per_type[name][value] if name in per_type else None) for lang, per_type in scores.items()}
            for name in types}


def word_accuracy(y_true: Tags, y_pred: Tags) -> float:
    """Share of all words (pooled over sentences) whose predicted tag equals the gold tag."""
    stats = word_accuracy_stats(y_true, y_pred)
    total = stats[:, 1].sum()
    if total == 0:
        raise ValueError("cannot compute word accuracy over zero words")
    return float(stats[:, 0].sum() / total)


# --- per-sentence sufficient statistics (sums over sentences give the metric; used by the bootstrap) ---


def entity_stats(y_true: Tags, y_pred: Tags) -> np.ndarray:
    """Per sentence ``[correct entities, predicted entities, gold entities]`` (strict IOB2), shape (n, 3)."""
    _check(y_true, y_pred)
    gold = Entities(_lists(y_true), IOB2).entities
    pred = Entities(_lists(y_pred), IOB2).entities
    return np.array([[len(set(g) & set(p)), len(p), len(g)] for g, p in zip(gold, pred, strict=True)],
                    dtype=float).reshape(-1, 3)


def entity_f1_from_stats(summed: np.ndarray) -> np.ndarray:
    """Micro F1 from summed :func:`entity_stats` (..., 3), computed the way seqeval does."""
    tp, pred, gold = summed[..., 0], summed[..., 1], summed[..., 2]
    precision = np.divide(tp, pred, out=np.zeros_like(tp), where=pred > 0)
    recall = np.divide(tp, gold, out=np.zeros_like(tp), where=gold > 0)
    denom = precision + recall
    return np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)


def word_accuracy_stats(y_true: Tags, y_pred: Tags) -> np.ndarray:
    """Per sentence ``[correct words, words]``, shape (n, 2)."""
    _check(y_true, y_pred)
    return np.array([[sum(a == b for a, b in zip(t, p, strict=True)), len(t)] for t, p in zip(y_true, y_pred,
                                                                                               strict=True)],
                    dtype=float).reshape(-1, 2)


def ratio_from_stats(summed: np.ndarray) -> np.ndarray:
    """``summed[..., 0] / summed[..., 1]`` (0 where the denominator is 0)."""
    num, den = summed[..., 0], summed[..., 1]
    return np.divide(num, den, out=np.zeros_like(num, dtype=float), where=den > 0)
