"""Classification metrics by name.

Each metric takes gold and predicted labels and returns a float; scikit-learn does the work.
To add a metric write one function and add one line to :data:`METRICS`. Optionally add a
batched version to :data:`BATCHED` (a function of stacked confusion matrices) so that
bootstrap intervals for it stay fast; without one, bootstrap calls the plain function per resample.

>>> round(get_metric("accuracy")(["a", "b", "b"], ["a", "b", "a"]), 3)
0.667
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from xlt.errors import ConfigError

Metric = Callable[[Sequence[str], Sequence[str]], float]
BatchedMetric = Callable[[np.ndarray], np.ndarray]


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
}


def get_metric(name: str) -> Metric:
    """Return the metric called ``name``; the error lists the known names.

    >>> get_metric("macro_f1") is macro_f1
    True
    """
    try:
        return METRICS[name]
    except KeyError:
        raise ConfigError(f"unknown metric {name!r}; known metrics: {', '.join(sorted(METRICS))}") from None


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
