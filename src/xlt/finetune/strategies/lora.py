"""``lora``: low-rank adapters on the attention projections (PEFT); the task head trains fully.

The head is saved with the adapter (``modules_to_save``); :meth:`export` merges the adapters into
the weights so the saved model is a plain transformers model.
"""

from __future__ import annotations

from torch import nn

from xlt.finetune.strategies.base import Strategy, StrategyConfig


class LoraConfig(StrategyConfig):
    name: str = "lora"
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.1
    target_modules: list[str] = ["query", "key", "value", "dense"]
    head_modules: list[str] = ["classifier"]


class LoraStrategy(Strategy):
    config_class = LoraConfig

    def apply(self, model: nn.Module) -> nn.Module:
        from peft import LoraConfig as PeftLoraConfig
        from peft import get_peft_model

        c = self.config
        peft_config = PeftLoraConfig(
            r=c.rank, lora_alpha=c.alpha, lora_dropout=c.dropout, target_modules=c.target_modules,
            modules_to_save=c.head_modules,
        )
        return get_peft_model(model, peft_config)

    def export(self, model: nn.Module) -> nn.Module:
        return model.merge_and_unload() if hasattr(model, "merge_and_unload") else model
