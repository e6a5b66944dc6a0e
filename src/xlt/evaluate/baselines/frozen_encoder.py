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
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import Normalizer, StandardScaler

Embed = Callable[[list[str]], np.ndarray]


class FrozenEncoderBaseline:
    """L2-normalise, standardise, then logistic regression with a fixed ``C`` (default 1.0).

    Why these choices: e5 embeddings are built for cosine similarity, so rows are L2-normalised
    first; they are also anisotropic (all share a large common direction), which standardising
    removes so one ``C`` means the same thing for any encoder. ``C`` is fixed rather than tuned
    with cross-validation because tuning on source-language folds selects for the source language,
    not for transfer, and costs k extra fits. The embedding function is called once per
    ``fit``/``predict`` and nothing is cached.
    """

    name = "frozen-encoder"

    def __init__(self, embed: Embed, *, C: float = 1.0, seed: int = 0) -> None:
        self.embed = embed
        self.pipeline: Pipeline = make_pipeline(
            Normalizer(), StandardScaler(), LogisticRegression(C=C, max_iter=2000, random_state=seed)
        )

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> FrozenEncoderBaseline:
        """Embed source-language ``texts`` and fit the probe; return ``self``."""
        self.pipeline.fit(self._features(texts), list(labels))
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Embed ``texts`` and predict one label per text."""
        return [str(label) for label in self.pipeline.predict(self._features(texts))]

    def _features(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        x = np.asarray(self.embed(texts), dtype=np.float64)
        if x.ndim != 2 or x.shape[0] != len(texts):
            raise ValueError(f"embed returned shape {x.shape} for {len(texts)} texts; "
                             "expected (n_texts, dim)")
        return x
