"""``freeze``: the embeddings and the bottom ``layers`` transformer blocks stay as pretrained.

Frozen embeddings keep the shared multilingual vocabulary space intact (words of languages never
seen in training keep their pretrained vectors), and skip the gradient and optimiser update of the
embedding matrix, which is 80% of multilingual-e5-small's parameters.
"""

from __future__ import annotations

from pydantic import Field
from torch import nn

from xlt.finetune.strategies.base import Strategy, StrategyConfig
from xlt.model.parts import embeddings_of, encoder_layers, freeze


class FreezeConfig(StrategyConfig):
    name: str = "freeze"
    embeddings: bool = True  # freeze the embedding layer
    layers: int = Field(0, ge=0)  # also freeze this many of the lowest transformer blocks


class FreezeStrategy(Strategy):
    config_class = FreezeConfig

    def apply(self, model: nn.Module) -> nn.Module:
        if self.config.embeddings:
            freeze(embeddings_of(model))
        for block in encoder_layers(model)[: self.config.layers]:
            freeze(block)
        return model
