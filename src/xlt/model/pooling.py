"""Sentence vectors from token vectors: the pooling methods a sentence encoder can have been trained with.

>>> import torch
>>> hidden = torch.tensor([[[1.0, 0.0], [3.0, 2.0], [9.0, 9.0]]])
>>> mask = torch.tensor([[1, 1, 0]])
>>> pool(hidden, mask, "mean").tolist(), pool(hidden, mask, "cls").tolist(), pool(hidden, mask, "last").tolist()
([[2.0, 1.0]], [[1.0, 0.0]], [[3.0, 2.0]])
"""

from __future__ import annotations

import torch

from xlt.errors import ConfigError

# one implementation: the head file must stay self-contained, so the poolings live there
from xlt.model.heads.mean_pool_classifier import POOLINGS, cls_pool, last_token_pool, mean_pool

__all__ = ["POOLINGS", "cls_pool", "last_token_pool", "mean_pool", "pool"]


def pool(hidden: torch.Tensor, attention_mask: torch.Tensor, method: str = "mean") -> torch.Tensor:
    """Pool ``hidden`` (batch x tokens x dim) into one vector per sequence with ``method``."""
    if method not in POOLINGS:
        raise ConfigError(f"unknown pooling {method!r}; known: {', '.join(POOLINGS)}")
    return POOLINGS[method](hidden, attention_mask)
