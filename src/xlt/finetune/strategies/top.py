"""``top``: only the top ``layers`` transformer blocks and the task head train."""

from __future__ import annotations

from pydantic import Field
from torch import nn

from xlt.finetune.strategies.base import Strategy, StrategyConfig
from xlt.model.parts import encoder_layers, encoder_of, freeze


class TopConfig(StrategyConfig):
    name: str = "top"
    layers: int = Field(2, ge=0)  # 0: only the task head trains


class TopStrategy(Strategy):
    config_class = TopConfig

    def apply(self, model: nn.Module) -> nn.Module:
        freeze(encoder_of(model))
        blocks = encoder_layers(model)
        for block in blocks[len(blocks) - self.config.layers:] if self.config.layers else []:
            for p in block.parameters():
                p.requires_grad_(True)
        return model
