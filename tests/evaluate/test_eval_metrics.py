import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from xlt.errors import ConfigError
from xlt.evaluate.metrics import METRICS, get_metric


def test_accuracy_by_hand():
    assert get_metric("accuracy")(["a", "b", "c", "a"], ["a", "b", "a", "c"]) == pytest.approx(0.5)


def test_macro_f1_by_hand():
    # a: tp=1 fp=1 fn=1 -> F1 0.5; b: tp=2 fp=0 fn=0 -> 1.0; c: tp=0 fp=1 fn=1 -> 0.0
    y_true = ["a", "a", "b", "b", "c"]
    y_pred = ["a", "c", "b", "b", "a"]
    assert get_metric("macro_f1")(y_true, y_pred) == pytest.approx((0.5 + 1.0 + 0.0) / 3)


def test_macro_f1_counts_labels_only_predicted():
    # label "x" never gold but predicted once: F1 0 and it is part of the average (scikit-learn's rule)
    assert get_metric("macro_f1")(["a", "a"], ["a", "x"]) == pytest.approx((2 / 3 + 0.0) / 2)


def test_unknown_metric_lists_known_names():
    with pytest.raises(ConfigError, match="accuracy.*macro_f1"):
        get_metric("meteor")


@pytest.mark.parametrize("name", sorted(n for n, m in METRICS.items() if m.batched))
def test_batched_versions_equal_sklearn(name):
    rng = np.random.default_rng(1)
    labels = np.array(list("abcde"))
    cms, expected = [], []
    for _ in range(30):
        n = int(rng.integers(1, 40))
        t = labels[rng.integers(0, 5, n)]
        p = np.where(rng.random(n) < 0.5, t, labels[rng.integers(0, 5, n)])
        cms.append(confusion_matrix(t, p, labels=labels))
        expected.append(METRICS[name].fn(list(t), list(p)))
    np.testing.assert_allclose(METRICS[name].batched(np.stack(cms)), expected)
