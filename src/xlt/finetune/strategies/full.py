"""``full``: every weight trains (the usual fine-tuning)."""

from __future__ import annotations

from torch import nn

from xlt.finetune.strategies.base import Strategy, StrategyConfig


class FullConfig(StrategyConfig):
    name: str = "full"


class FullStrategy(Strategy):
    config_class = FullConfig

    def apply(self, model: nn.Module) -> nn.Module:
        for p in model.parameters():
            p.requires_grad_(True)
        return model
