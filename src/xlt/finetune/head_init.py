"""Start the classifier from a linear probe instead of random weights (LP-FT).

Fine-tuning with a random head sends large, random gradients into the pretrained encoder for the
first steps and distorts the features that transfer across languages (Kumar et al. 2022,
"Fine-Tuning can Distort Pretrained Features and Underperform Out-of-Distribution"). Fitting the
head first on frozen features, then fine-tuning, keeps them. The probe is the frozen-encoder
baseline's logistic regression on mean-pooled vectors, which is exactly the model's linear layer
on the same vectors, so its weights are copied over as they are.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression


def probe_weights(probe: LogisticRegression, label2id: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """``W`` (labels x hidden) and ``b`` such that ``x @ W.T + b`` gives the probe's decisions."""
    dim = probe.coef_.shape[1]
    weight = np.zeros((len(label2id), dim), dtype=np.float32)
    bias = np.full(len(label2id), -1e4, dtype=np.float32)  # labels the probe never saw stay unlikely
    classes = [label2id[str(c)] for c in probe.classes_]
    if len(classes) == 2:  # binary: scikit-learn keeps one vector, for the second class
        weight[classes[1]], bias[classes[1]] = probe.coef_[0], probe.intercept_[0]
        weight[classes[0]], bias[classes[0]] = 0.0, 0.0
    else:
        weight[classes], bias[classes] = probe.coef_, probe.intercept_
    return weight, bias


def init_head_from_probe(classifier: torch.nn.Linear, probe: LogisticRegression, label2id: dict[str, int]) -> None:
    weight, bias = probe_weights(probe, label2id)
    with torch.no_grad():
        classifier.weight.copy_(torch.from_numpy(weight))
        classifier.bias.copy_(torch.from_numpy(bias))
