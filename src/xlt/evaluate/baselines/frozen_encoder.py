"""Frozen-encoder baseline: a linear probe on sentence embeddings the caller computes.

It separates what the pretrained multilingual space already gives from what fine-tuning adds.

>>> import numpy as np
>>> embed = lambda texts: np.array([[len(t), 1.0] for t in texts])
>>> clf = FrozenEncoderBaseline(embed).fit(["a", "bb", "cccccc", "ddddddd"], ["short"] * 2 + ["long"] * 2)
>>> clf.predict(["e", "ffffff"])
['short', 'long']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

Embed = Callable[[list[str]], np.ndarray]


class FrozenEncoderBaseline:
    """Logistic regression (scikit-learn defaults, ``C=1``) on the raw sentence vectors.

    What a user would try first, and the strongest of the simple probes (``bench/RESULTS.md``):
    L2-normalising or standardising the vectors raised no source score and cost transfer, because
    standardising gives the small, language-specific directions of the space as much weight as the
    shared ones. ``C`` is fixed
    rather than tuned with cross-validation: tuning on source-language folds selects for the source
    language, not for transfer. The fitted model is ``self.classifier``; xlt starts its fine-tuned
    head from it (:mod:`xlt.finetune.head_init`).
    """

    name = "frozen-encoder"

    def __init__(self, embed: Embed, *, C: float = 1.0, seed: int = 0) -> None:
        self.embed = embed
        self.classifier = LogisticRegression(C=C, max_iter=5000, random_state=seed)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> FrozenEncoderBaseline:
        """Embed source-language ``texts`` and fit the probe; return ``self``."""
        self.classifier.fit(self._features(texts), list(labels))
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Embed ``texts`` and predict one label per text."""
        return [str(label) for label in self.classifier.predict(self._features(texts))]

    def _features(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        x = np.asarray(self.embed(texts), dtype=np.float64)
        if x.ndim != 2 or x.shape[0] != len(texts):
            raise ValueError(f"embed returned shape {x.shape} for {len(texts)} texts; "
                             "expected (n_texts, dim)")
        return x
