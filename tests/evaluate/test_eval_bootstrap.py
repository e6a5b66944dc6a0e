import tracemalloc

import numpy as np
import pytest

from xlt.errors import ConfigError
from xlt.evaluate.bootstrap import bootstrap_estimate, bootstrap_interval
from xlt.evaluate.metrics import accuracy, get_metric, macro_f1, mlqa_metrics


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


def test_standard_error_is_the_binomial_one_for_accuracy_and_comes_from_the_same_resamples():
    y_true, y_pred = _data(2000)
    estimate = bootstrap_estimate(y_true, y_pred, "accuracy", seed=3)
    p = accuracy(y_true, y_pred)
    assert estimate.se == pytest.approx((p * (1 - p) / len(y_true)) ** 0.5, rel=0.15)
    assert (estimate.low, estimate.high) == bootstrap_interval(y_true, y_pred, "accuracy", seed=3)


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


def _retrieval_like(n: int) -> tuple[list[str], list[str]]:
    """One label per example, as retrieval scores picks: gold ``i`` for example ``i``, every fifth pick wrong."""
    return [str(i) for i in range(n)], [str(i) if i % 5 else str((i + 1) % n) for i in range(n)]


@pytest.mark.parametrize("metric", ["accuracy", "macro_f1"])
def test_memory_stays_bounded_with_one_label_per_example(metric):
    # k = n labels: one k x k confusion matrix per resample at once would be 200 * 300 * 300 * 8 bytes = 144 MB
    data = _retrieval_like(300)
    tracemalloc.start()
    try:
        bootstrap_interval(*data, metric, n_resamples=200)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 2**20


def test_many_labels_fast_path_matches_one_call_per_resample():
    data = _retrieval_like(300)  # 90,000-cell confusion matrices: a few resamples per bincount
    fast = bootstrap_interval(*data, "macro_f1", n_resamples=100)
    assert fast == pytest.approx(bootstrap_interval(*data, lambda t, p: macro_f1(t, p), n_resamples=100))
    assert bootstrap_interval(*data, "accuracy", n_resamples=100) == pytest.approx(
        bootstrap_interval(*data, lambda t, p: accuracy(t, p), n_resamples=100))


def test_rejects_bad_input():
    with pytest.raises(ValueError, match="labels"):
        bootstrap_interval(["a", "b"], ["a"], "accuracy")
    with pytest.raises(ValueError, match="zero examples"):
        bootstrap_interval([], [], "accuracy")


# --- tag lists and QA answers: per-example objects, resampled by index --------------------------------------

def _tagging(n: int, seed: int = 0) -> tuple[list[list[str]], list[list[str]]]:
    rng = np.random.default_rng(seed)
    tags = np.array(["O", "O", "B-PER", "I-PER", "B-LOC"])
    gold = [[str(t) for t in tags[rng.integers(0, 5, rng.integers(1, 7))]] for _ in range(n)]
    pred = [[g if rng.random() < 0.8 else str(tags[rng.integers(0, 5)]) for g in s] for s in gold]
    return gold, pred


def _qa(n: int, seed: int = 0) -> tuple[list[list[str]], list[str]]:
    rng = np.random.default_rng(seed)
    words = ["北京", "大学", "the", "Eiffel", "Tower", "Paris", "Katze"]
    gold = [[" ".join(rng.choice(words, 2))] for _ in range(n)]
    pred = [g[0] if rng.random() < 0.5 else str(rng.choice(words)) for g in gold]
    return gold, pred


@pytest.mark.parametrize(("metric", "data", "lang"), [
    ("entity_f1", _tagging(60), None),
    ("word_accuracy", _tagging(60), None),
    ("exact_match", _qa(60), None),
    ("qa_f1", _qa(60), None),
    ("exact_match_mlqa", _qa(60), "zh"),
    ("qa_f1_mlqa", _qa(60), "zh"),
])
def test_structured_fast_path_matches_one_call_per_resample(metric, data, lang):
    fn = get_metric(metric, lang)
    point = fn(*data)
    fast = bootstrap_interval(*data, metric, lang=lang, n_resamples=200)
    slow = bootstrap_interval(*data, lambda t, p: fn(t, p), n_resamples=200)  # same resamples, no fast path
    assert fast == pytest.approx(slow)
    assert fast[0] < point < fast[1]


def test_language_bound_callable_uses_its_language():
    data = _qa(60)
    bound = mlqa_metrics("zh")["qa_f1_mlqa"]
    assert bootstrap_interval(*data, bound, n_resamples=100) == bootstrap_interval(
        *data, "qa_f1_mlqa", lang="zh", n_resamples=100)
    assert bootstrap_interval(*data, "qa_f1_mlqa", lang="zh", n_resamples=100) != bootstrap_interval(
        *data, "qa_f1_mlqa", lang="en", n_resamples=100)
    with pytest.raises(ConfigError, match="lang"):
        bootstrap_interval(*data, "qa_f1_mlqa")


def test_structured_degenerate_cases():
    gold = [["B-PER", "O"], ["O", "B-LOC"]] * 5
    assert bootstrap_interval(gold, gold, "entity_f1") == (1.0, 1.0)
    assert bootstrap_interval(gold[:1], gold[:1], "word_accuracy") == (1.0, 1.0)
    assert bootstrap_interval([["Paris"]] * 8, ["paris"] * 8, "exact_match") == (1.0, 1.0)
    assert bootstrap_interval([["北京大学"]], ["北京"], "qa_f1_mlqa", lang="zh") == pytest.approx((2 / 3, 2 / 3))
