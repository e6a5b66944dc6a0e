"""Word vectors of the pretrained encoder (first sub-token, last layer), computed once per run.

The tagging counterpart of :class:`~xlt.finetune.frozen_features.FrozenFeatures`: the token probe
baseline and the probe-started tagging head read the same vectors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from tqdm.auto import tqdm

from xlt.errors import XltError
from xlt.finetune.word_windows import make_windows
from xlt.model.embed import length_sorted_batches
from xlt.model.spec import ModelSpec

SEPARATOR = "\x1f"


class WordFeatures:
    """A sentence -> (words x hidden) table, filled from the pretrained encoder, then sealed."""

    def __init__(self, encoder, tokenizer, spec: ModelSpec, batch_size: int = 64) -> None:
        self.encoder, self.tokenizer, self.spec, self.batch_size = encoder, tokenizer, spec, batch_size
        self.table: dict[str, np.ndarray] = {}
        self.sealed = False

    @staticmethod
    def key(words: Sequence[str]) -> str:
        return SEPARATOR.join(words)

    @torch.inference_mode()
    def add(self, sentences: Sequence[Sequence[str]], desc: str = "pretrained word vectors") -> None:
        if self.sealed:
            raise XltError("word features are sealed: the encoder has been fine-tuned since")
        todo = list({self.key(s): list(s) for s in sentences if self.key(s) not in self.table}.values())
        if not todo:
            return
        self.encoder.eval()
        windows = make_windows(self.tokenizer, todo, prefix=self.spec.resolved_prefix(),
                               max_length=self.spec.resolved_max_length())
        hidden = self.encoder.config.hidden_size
        vectors = [np.zeros((len(s), hidden), dtype=np.float32) for s in todo]
        best = [np.full(len(s), -1) for s in todo]
        with tqdm(total=len(windows), desc=desc, unit="window", leave=False) as bar:
            for idx in length_sorted_batches([len(w.input_ids) for w in windows], self.batch_size):
                batch = self.tokenizer.pad({"input_ids": [windows[i].input_ids for i in idx]}, return_tensors="pt")
                batch = {k: v.to(self.encoder.device) for k, v in batch.items()}
                states = self.encoder(**batch).last_hidden_state.float().cpu().numpy()
                for row, i in enumerate(idx):
                    w = windows[i]
                    for word, position in w.first_piece.items():
                        if w.centrality(word) > best[w.example][word]:
                            best[w.example][word] = w.centrality(word)
                            vectors[w.example][word] = states[row, position]
                bar.update(len(idx))
        self.table.update({self.key(s): v for s, v in zip(todo, vectors, strict=True)})

    def add_dataset(self, ds, desc: str = "pretrained word vectors") -> None:
        self.add(list(ds["tokens"]), desc=desc)

    def seal(self) -> None:
        self.sealed = True

    def __call__(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        keys = [self.key(s) for s in sentences]
        missing = [k for k in keys if k not in self.table]
        if missing:
            raise XltError(f"{len(missing)} sentences have no pretrained word vectors")
        return [self.table[k] for k in keys]
