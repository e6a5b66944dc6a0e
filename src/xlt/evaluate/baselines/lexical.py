"""Lexical baseline: TF-IDF over character n-grams + logistic regression.

Trained on the source language only, it shows how far surface overlap (shared words, names,
numbers, subwords) carries across languages without any multilingual model.

>>> clf = LexicalBaseline().fit(["good fun", "great fun", "bad day", "awful day"], ["+", "+", "-", "-"])
>>> clf.predict(["fun fun", "day"])
['+', '-']
"""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline


class LexicalBaseline:
    """Character n-gram (within word boundaries) TF-IDF with sublinear tf, then logistic regression."""

    name = "lexical"

    def __init__(self, *, ngram_range: tuple[int, int] = (1, 4), max_features: int | None = 200_000,
                 C: float = 10.0, seed: int = 0) -> None:
        # TF-IDF rows are L2-normalised and very sparse, so a weaker penalty (C=10) than
        # scikit-learn's default suits them; the standard choice for char n-gram text classifiers.
        self.pipeline: Pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=True,
                            lowercase=True, max_features=max_features),
            LogisticRegression(C=C, max_iter=2000, random_state=seed),
        )

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> LexicalBaseline:
        """Fit on source-language ``texts`` and their ``labels``; return ``self``."""
        self.pipeline.fit(list(texts), list(labels))
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Predict one label per text."""
        return [str(label) for label in self.pipeline.predict(list(texts))]
