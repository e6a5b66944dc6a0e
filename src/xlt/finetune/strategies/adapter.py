"""``adapter``: bottleneck adapters in every transformer block; only the adapters and the task head train.

The adapters themselves are :mod:`xlt.model.bottleneck_adapter`. ``placement: ffn`` (Pfeiffer: one per
block, the cheaper design, as good on cross-lingual transfer) or ``both`` (Houlsby: two per block).
Adapters cannot be merged into the base weights (the bottleneck has a non-linearity), so
:meth:`AdapterStrategy.merge` refuses.

>>> from xlt.finetune.strategies import make_strategy
>>> make_strategy({"name": "adapter", "reduction_factor": 8}).config.placement
'ffn'
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from torch import nn

from xlt.errors import ConfigError
from xlt.finetune.strategies.base import Strategy, StrategyConfig
from xlt.model.bottleneck_adapter import TASK_ADAPTER, add_adapter, set_active
from xlt.model.parts import encoder_of, freeze


class AdapterConfig(StrategyConfig):
    name: str = "adapter"
    reduction_factor: int = Field(16, ge=1)  # bottleneck = hidden / reduction_factor (384 / 16 = 24 for e5-small)
    activation: Literal["relu", "gelu", "tanh"] = "relu"
    placement: Literal["ffn", "both"] = "ffn"  # ffn: Pfeiffer (one per block); both: Houlsby (two)


class AdapterStrategy(Strategy):
    config_class = AdapterConfig
    saves_delta = True

    def apply(self, model: nn.Module) -> nn.Module:
        c = self.config
        freeze(encoder_of(model))  # the head (outside the encoder) keeps training
        add_adapter(model, TASK_ADAPTER, reduction_factor=c.reduction_factor, activation=c.activation,
                    placement=c.placement)
        set_active(model, [TASK_ADAPTER])
        return model

    def merge(self, model: nn.Module) -> nn.Module:
        raise ConfigError("bottleneck adapters cannot be merged into the base weights (the bottleneck has a "
                          "non-linearity between its two projections); the run loads as base model + adapter")
