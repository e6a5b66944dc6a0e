import numpy as np
import pytest

from xlt.evaluate.bootstrap import bootstrap_interval
from xlt.evaluate.metrics import accuracy, macro_f1


def _data(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    labels = np.array(["pos", "neg", "neu"])
    y_true = labels[rng.integers(0, 3, n)]
    y_pred = np.where(rng.random(n) < 0.7, y_true, labels[rng.integers(0, 3, n)])
    return list(y_true), list(y_pred)


@pytest.mark.parametrize("metric", ["accuracy", "macro_f1"])
def test_interval_contains_point_estimate(metric):
    y_true, y_pred = _data(300)
    low, high = bootstrap_interval(y_true, y_pred, metric)
    point = {"accuracy": accuracy, "macro_f1": macro_f1}[metric](y_true, y_pred)
    assert low < point < high


def test_interval_narrows_with_n():
    small = bootstrap_interval(*_data(50), "accuracy")
    large = bootstrap_interval(*_data(2000), "accuracy")
    assert large[1] - large[0] < (small[1] - small[0]) / 3


def test_deterministic_per_seed():
    data = _data(200)
    assert bootstrap_interval(*data, "macro_f1", seed=3) == bootstrap_interval(*data, "macro_f1", seed=3)
    assert bootstrap_interval(*data, "macro_f1", seed=3) != bootstrap_interval(*data, "macro_f1", seed=4)


def test_wider_at_higher_confidence():
    data = _data(200)
    low90, high90 = bootstrap_interval(*data, "accuracy", confidence=0.90)
    low99, high99 = bootstrap_interval(*data, "accuracy", confidence=0.99)
    assert low99 <= low90 and high90 <= high99


def test_custom_callable_matches_registry_fast_path():
    data = _data(80)
    slow = bootstrap_interval(*data, lambda t, p: macro_f1(t, p), n_resamples=200)
    fast = bootstrap_interval(*data, "macro_f1", n_resamples=200)
    assert slow == pytest.approx(fast)


@pytest.mark.parametrize(("y_true", "y_pred", "expected"), [
    (["a"], ["a"], (1.0, 1.0)),
    (["a"], ["b"], (0.0, 0.0)),
    (["a"] * 20, ["a"] * 20, (1.0, 1.0)),
    (["a"] * 20, ["b"] * 20, (0.0, 0.0)),
])
@pytest.mark.parametrize("metric", ["accuracy", "macro_f1"])
def test_degenerate_cases(y_true, y_pred, expected, metric):
    assert bootstrap_interval(y_true, y_pred, metric) == pytest.approx(expected)


def test_rejects_bad_input():
    with pytest.raises(ValueError, match="labels"):
        bootstrap_interval(["a", "b"], ["a"], "accuracy")
    with pytest.raises(ValueError, match="zero examples"):
        bootstrap_interval([], [], "accuracy")
