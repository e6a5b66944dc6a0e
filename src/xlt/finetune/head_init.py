"""Start the classifier from a linear probe instead of random weights (LP-FT).

Fine-tuning with a random head sends large, random gradients into the pretrained encoder for the
first steps and distorts the features that transfer across languages (Kumar et al. 2022,
"Fine-Tuning can Distort Pretrained Features and Underperform Out-of-Distribution"). Fitting the
head first on frozen features, then fine-tuning, keeps them. The probe is a scikit-learn logistic
regression on standardised mean-pooled vectors, folded back into the model's linear layer.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler


def fit_probe(features: np.ndarray, label_ids: np.ndarray, num_labels: int, *, C: float = 1.0,
              seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``W`` (labels x hidden) and ``b`` such that ``features @ W.T + b`` are the probe's logits."""
    scaler = StandardScaler().fit(features)
    probe = LogisticRegression(C=C, max_iter=2000, random_state=seed)
    probe.fit(scaler.transform(features), label_ids)
    coef = np.zeros((num_labels, features.shape[1]), dtype=np.float64)
    intercept = np.full(num_labels, -1e4)  # labels absent from training stay unlikely
    if len(probe.classes_) == 2:  # binary: one weight vector for the positive class
        coef[probe.classes_[1]], intercept[probe.classes_[1]] = probe.coef_[0], probe.intercept_[0]
        coef[probe.classes_[0]], intercept[probe.classes_[0]] = 0.0, 0.0
    else:
        coef[probe.classes_], intercept[probe.classes_] = probe.coef_, probe.intercept_
    weight = coef / scaler.scale_
    bias = intercept - weight @ scaler.mean_
    return weight.astype(np.float32), bias.astype(np.float32)


def init_head_from_probe(classifier: torch.nn.Linear, features: np.ndarray, label_ids: np.ndarray, *,
                         seed: int = 0) -> None:
    weight, bias = fit_probe(features, label_ids, classifier.out_features, seed=seed)
    with torch.no_grad():
        classifier.weight.copy_(torch.from_numpy(weight))
        classifier.bias.copy_(torch.from_numpy(bias))
