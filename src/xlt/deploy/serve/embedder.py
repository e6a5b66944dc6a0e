"""Sentence vectors of the served model: its encoder's pooled output, the vector its task head reads.

The vectors pool the encoder's last layer the way the run was trained (``mean``, ``cls`` or ``last``, from the
model card) over the prefixed, truncated input, as :func:`xlt.model.embed.embed_texts` does; they are the
fine-tuned encoder's, so they carry what the task taught it.
"""

from __future__ import annotations

import numpy as np


class Embedder:
    """``embed(texts)`` -> float32 rows and ``token_counts(texts)`` for a loaded :class:`Predictor`."""

    def __init__(self, predictor, batch_size: int = 32) -> None:
        self.predictor = predictor
        self.batch_size = batch_size

    @property
    def dimensions(self) -> int:
        return int(self.predictor.saved.model.config.hidden_size)

    def embed(self, texts: list[str]) -> np.ndarray:
        """One pooled vector per text (not normalised), in input order."""
        from xlt.model.embed import embed_texts
        from xlt.model.parts import encoder_of

        saved = self.predictor.saved
        spec = saved.spec
        return embed_texts(encoder_of(saved.model), saved.tokenizer, spec.apply_prefix(list(texts)),
                           batch_size=self.batch_size, max_length=spec.resolved_max_length(),
                           pooling=spec.resolved_pooling(), progress=False)

    def token_counts(self, texts: list[str]) -> list[int]:
        """The tokens each text is read as (prefix and special tokens included, after truncation)."""
        saved = self.predictor.saved
        enc = saved.tokenizer(saved.spec.apply_prefix(list(texts)), truncation=True,
                              max_length=saved.spec.resolved_max_length())
        return [len(ids) for ids in enc["input_ids"]]


def normalized(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
