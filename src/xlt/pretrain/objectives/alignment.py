"""Contrastive alignment of translation pairs: bidirectional in-batch-negative ranking (LaBSE-style dual encoder).

Each side is pooled as the model pools (``config.xlt_pooling``, default mean; with the model's prefix) and
L2-normalised; for a batch of ``n`` pairs the ``n x n``
cosine matrix, scaled by ``1 / temperature`` and with ``margin`` subtracted from the true pairs (additive
margin softmax, Yang et al. 2019), is scored by cross-entropy in both directions (source->target and back).

>>> import torch
>>> a = torch.nn.functional.normalize(torch.eye(3), dim=-1)
>>> round(float(bidirectional_ranking_loss(a, a, temperature=0.05, margin=0.0)), 6)
0.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from xlt.model.pooling import pool
from xlt.pretrain.objectives.base import Objective


def bidirectional_ranking_loss(src: torch.Tensor, tgt: torch.Tensor, *, temperature: float,
                               margin: float) -> torch.Tensor:
    """Mean of the source->target and target->source in-batch softmax losses on normalised vectors."""
    sim = src @ tgt.T
    sim = sim - margin * torch.eye(len(sim), device=sim.device, dtype=sim.dtype)
    logits = sim / temperature
    target = torch.arange(len(sim), device=sim.device)
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def sentence_vectors(encoder, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    hidden = encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
    return pool(hidden, batch["attention_mask"], getattr(encoder.config, "xlt_pooling", None) or "mean")


class Alignment(Objective):
    name = "alignment"
    kind = "parallel"

    @classmethod
    def option_defaults(cls) -> dict[str, Any]:
        return {"temperature": 0.05, "margin": 0.0}

    def collate(self, examples: Sequence[tuple[str, tuple[str, str]]]) -> dict[str, Any]:
        src = self.encode([pair[0] for _, pair in examples])
        tgt = self.encode([pair[1] for _, pair in examples])
        counts = self.counts_of_pairs([group for group, _ in examples], src, tgt)
        return {"source": src, "target": tgt, "token_counts": counts}

    def loss(self, model, batch: dict[str, Any]) -> torch.Tensor:
        encoder = model.base_model
        src = F.normalize(sentence_vectors(encoder, batch["source"]), dim=-1)
        tgt = F.normalize(sentence_vectors(encoder, batch["target"]), dim=-1)
        return bidirectional_ranking_loss(src, tgt, temperature=float(self.option("temperature")),
                                          margin=float(self.option("margin")))
