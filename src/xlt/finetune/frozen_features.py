"""Sentence vectors of the *pretrained* encoder, computed once per run before fine-tuning changes it.

They serve two users: the probe that initialises the classifier head and the frozen-encoder
baseline. Both see exactly the same vectors, and the encoder runs over each text only once. They are the
pooled vectors the classifier head reads, so no sentence-transformers Dense or Normalize module applies.
"""

from __future__ import annotations

import numpy as np

from xlt.errors import XltError
from xlt.model.embed import embed_texts
from xlt.model.spec import ModelSpec

PAIR_SEPARATOR = "\x1f"  # ASCII unit separator: not in real text, so a pair never collides with a text


class FrozenFeatures:
    """A text -> vector table filled from the pretrained encoder, then sealed.

    Call it like a function on texts already in the table (the frozen baseline's ``embed``).
    """

    def __init__(self, encoder, tokenizer, spec: ModelSpec, batch_size: int = 64) -> None:
        self.encoder, self.tokenizer, self.spec, self.batch_size = encoder, tokenizer, spec, batch_size
        self.table: dict[str, np.ndarray] = {}
        self.sealed = False

    @staticmethod
    def key(text: str, pair: str | None) -> str:
        return text if pair is None else f"{text}{PAIR_SEPARATOR}{pair}"

    def add(self, texts: list[str], pairs: list[str] | None = None, desc: str = "pretrained vectors") -> None:
        if self.sealed:
            raise XltError("frozen features are sealed: the encoder has been fine-tuned since")
        pairs_or_none = pairs if pairs is not None else [None] * len(texts)
        todo = {self.key(t, p): (t, p) for t, p in zip(texts, pairs_or_none, strict=True)}
        todo = {k: v for k, v in todo.items() if k not in self.table}
        if not todo:
            return
        firsts = self.spec.apply_prefix([t for t, _ in todo.values()])
        seconds = [p for _, p in todo.values()] if pairs is not None else None
        vectors = embed_texts(self.encoder, self.tokenizer, firsts, text_pairs=seconds,
                              batch_size=self.batch_size, max_length=self.spec.resolved_max_length(), desc=desc,
                              pooling=self.spec.resolved_pooling())
        self.table.update(zip(todo, vectors, strict=True))

    def add_dataset(self, ds, desc: str = "pretrained vectors") -> None:
        self.add(list(ds["text"]), list(ds["text_pair"]) if "text_pair" in ds.column_names else None, desc=desc)

    def seal(self) -> None:
        self.sealed = True

    def __call__(self, keys: list[str]) -> np.ndarray:
        missing = [k for k in keys if k not in self.table]
        if missing:
            raise XltError(f"{len(missing)} texts have no pretrained vector, e.g. {missing[0]!r}")
        return np.stack([self.table[k] for k in keys])
