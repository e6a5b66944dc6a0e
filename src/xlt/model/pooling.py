"""Sentence vectors from token vectors: the pooling methods a sentence encoder can have been trained with.

>>> import torch
>>> hidden = torch.tensor([[[1.0, 0.0], [3.0, 2.0], [9.0, 9.0]]])
>>> mask = torch.tensor([[1, 1, 0]])
>>> pool(hidden, mask, "mean").tolist(), pool(hidden, mask, "cls").tolist(), pool(hidden, mask, "last").tolist()
([[2.0, 1.0]], [[1.0, 0.0]], [[3.0, 2.0]])
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from xlt.errors import ConfigError
from xlt.model.heads.mean_pool_classifier import mean_pool  # the head file must stay self-contained


def cls_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """The first token's vector (BERT's [CLS], XLM-R's <s>): LaBSE, bge-m3."""
    return hidden[:, 0]


def last_token_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """The last non-padding token's vector (decoder embedders such as e5-mistral), for either padding side."""
    if bool(attention_mask[:, -1].all()):  # left padding, or no padding at all
        return hidden[:, -1]
    last = attention_mask.sum(1) - 1
    return hidden[torch.arange(hidden.shape[0], device=hidden.device), last]


POOLINGS: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "mean": mean_pool,
    "cls": cls_pool,
    "last": last_token_pool,
}


def pool(hidden: torch.Tensor, attention_mask: torch.Tensor, method: str = "mean") -> torch.Tensor:
    """Pool ``hidden`` (batch x tokens x dim) into one vector per sequence with ``method``."""
    if method not in POOLINGS:
        raise ConfigError(f"unknown pooling {method!r}; known: {', '.join(POOLINGS)}")
    return POOLINGS[method](hidden, attention_mask)
