"""The classifier head starts as the fitted probe: same decisions, mapped onto the model's label ids."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from xlt.finetune.head_init import init_head_from_probe, probe_weights


def fitted_probe(classes: list[str], seed: int = 0) -> tuple[LogisticRegression, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(90, 8)).astype(np.float32)
    y = np.array(classes)[np.argmax(x[:, : len(classes)] + rng.normal(0, 0.5, (90, len(classes))), axis=1)]
    return LogisticRegression(max_iter=1000).fit(x, y), x


def head_logits(probe: LogisticRegression, label2id: dict[str, int], x: np.ndarray) -> np.ndarray:
    head = torch.nn.Linear(x.shape[1], len(label2id))
    init_head_from_probe(head, probe, label2id)
    with torch.no_grad():
        return head(torch.from_numpy(x)).numpy()


@pytest.mark.parametrize("label2id", [{"neg": 0, "neu": 1, "pos": 2},
                                      {"pos": 0, "other": 1, "neg": 2, "neu": 3}])  # reordered + unseen
def test_three_classes(label2id: dict[str, int]) -> None:
    probe, x = fitted_probe(["neg", "neu", "pos"])
    logits = head_logits(probe, label2id, x)
    seen = [label2id[c] for c in probe.classes_]
    np.testing.assert_allclose(logits[:, seen], probe.decision_function(x), rtol=1e-5, atol=1e-5)
    id2label = {i: label for label, i in label2id.items()}
    assert [id2label[i] for i in logits.argmax(1)] == probe.predict(x).tolist()
    probs = torch.softmax(torch.from_numpy(logits), -1).numpy()
    np.testing.assert_allclose(probs[:, seen], probe.predict_proba(x), atol=1e-5)
    if "other" in label2id:
        assert np.all(logits[:, label2id["other"]] == -1e4)  # a label the probe never saw stays unlikely


@pytest.mark.parametrize("label2id", [{"no": 0, "yes": 1}, {"yes": 0, "maybe": 1, "no": 2}])
def test_two_classes(label2id: dict[str, int]) -> None:
    probe, x = fitted_probe(["no", "yes"], seed=1)
    assert probe.coef_.shape[0] == 1  # scikit-learn's binary form: one vector, for classes_[1]
    logits = head_logits(probe, label2id, x)
    np.testing.assert_allclose(logits[:, label2id["yes"]] - logits[:, label2id["no"]], probe.decision_function(x),
                                rtol=1e-5, atol=1e-5)
    assert np.all(logits[:, label2id["no"]] == 0)
    id2label = {i: label for label, i in label2id.items()}
    assert [id2label[i] for i in logits.argmax(1)] == probe.predict(x).tolist()
    probs = torch.softmax(torch.from_numpy(logits), -1).numpy()
    np.testing.assert_allclose(probs[:, [label2id["no"], label2id["yes"]]], probe.predict_proba(x), atol=1e-5)
    if "maybe" in label2id:
        assert np.all(logits[:, label2id["maybe"]] == -1e4)


def test_probe_weights_shapes() -> None:
    probe, _ = fitted_probe(["a", "b", "c"])
    weight, bias = probe_weights(probe, {"c": 0, "b": 1, "a": 2, "d": 3})
    assert weight.shape == (4, 8) and bias.shape == (4,)
    assert weight.dtype == bias.dtype == np.float32
    np.testing.assert_allclose(weight[0], probe.coef_[2], rtol=1e-6)  # "c" is the probe's third class
    assert np.all(weight[3] == 0) and bias[3] == -1e4
