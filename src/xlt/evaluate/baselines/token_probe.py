"""Frozen-encoder baseline for token tagging: a linear probe on word vectors the caller computes.

``embed_words`` maps sentences (lists of words) to one ``(n_words, dim)`` array per sentence, e.g.
the first sub-token vector of each word from a frozen multilingual encoder. A logistic regression
over all words of the source language then tags every word on its own; like the sentence-level
:class:`~xlt.evaluate.baselines.FrozenEncoderBaseline` it separates what the pretrained space
already gives from what fine-tuning adds.

>>> import numpy as np
>>> embed = lambda sents: [np.array([[w.isupper(), w.isdigit()] for w in s], dtype=float) for s in sents]
>>> clf = TokenProbeBaseline(embed).fit([["Hi", "7", "x", "A"], ["b", "8"]], [["U", "D", "L", "U"], ["L", "D"]])
>>> clf.predict([["Q", "9", "z"]])
[['U', 'D', 'L']]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

EmbedWords = Callable[[list[list[str]]], Sequence[np.ndarray]]


class TokenProbeBaseline:
    """Logistic regression (``C=1``, scikit-learn defaults otherwise) over the raw word vectors.

    ``C`` is fixed rather than tuned, for the same reason as in the sentence-level probe: tuning on
    source-language folds selects for the source language, not for transfer.
    """

    name = "frozen-encoder"

    def __init__(self, embed_words: EmbedWords, *, C: float = 1.0, seed: int = 0, max_iter: int = 2000) -> None:
        self.embed_words = embed_words
        self.classifier = LogisticRegression(C=C, max_iter=max_iter, random_state=seed)

    def fit(self, token_lists: Sequence[Sequence[str]], tag_lists: Sequence[Sequence[str]]) -> TokenProbeBaseline:
        """Embed the source-language sentences and fit the probe on every word; return ``self``."""
        if len(token_lists) != len(tag_lists):
            raise ValueError(f"{len(token_lists)} sentences but {len(tag_lists)} tag lists")
        for i, (tokens, tags) in enumerate(zip(token_lists, tag_lists, strict=True)):
            if len(tokens) != len(tags):
                raise ValueError(f"sentence {i} has {len(tokens)} words but {len(tags)} tags")
        x, _ = self._features(token_lists)
        y = [str(tag) for tags in tag_lists for tag in tags]
        if not y:
            raise ValueError("cannot fit the token probe on zero words")
        self.classifier.fit(x, y)
        return self

    def predict(self, token_lists: Sequence[Sequence[str]]) -> list[list[str]]:
        """Embed the sentences and predict one tag per word."""
        x, lengths = self._features(token_lists)
        flat = [str(tag) for tag in self.classifier.predict(x)] if len(x) else []
        out, start = [], 0
        for n in lengths:
            out.append(flat[start:start + n])
            start += n
        return out

    def _features(self, token_lists: Sequence[Sequence[str]]) -> tuple[np.ndarray, list[int]]:
        sentences = [list(tokens) for tokens in token_lists]
        vectors = list(self.embed_words(sentences))
        if len(vectors) != len(sentences):
            raise ValueError(f"embed_words returned {len(vectors)} arrays for {len(sentences)} sentences")
        arrays, dim = [], None
        for i, (tokens, v) in enumerate(zip(sentences, vectors, strict=True)):
            v = np.asarray(v, dtype=np.float32)
            if not tokens and v.size == 0:
                continue
            if v.ndim != 2 or v.shape[0] != len(tokens) or (dim is not None and v.shape[1] != dim):
                raise ValueError(f"embed_words returned shape {v.shape} for sentence {i} with {len(tokens)} "
                                 f"words; expected (n_words, dim){'' if dim is None else f' with dim {dim}'}")
            dim = v.shape[1]
            arrays.append(v)
        x = np.concatenate(arrays) if arrays else np.zeros((0, dim or 0), dtype=np.float32)
        return x, [len(tokens) for tokens in sentences]
