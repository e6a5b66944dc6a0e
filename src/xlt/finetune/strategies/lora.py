"""``lora``: low-rank adapters on the attention projections (PEFT); the task head trains fully.

The head is saved with the adapter (``modules_to_save``). A run saves only the LoRA matrices and the
head plus a pointer to the base model, twice: xlt's delta (``xlt_delta.json``, ``trained.safetensors``; what
``xlt.load`` reads) and PEFT's own format (``adapter_config.json``, ``adapter_model.safetensors``, written
by ``PeftModel.save_pretrained``). The PEFT config has no ``task_type`` (one plain ``PeftModel`` for
every task's head), so PEFT loads it onto the same base model with its task head, built as xlt builds it::

    from peft import PeftModel
    from xlt.finetune.tasks import get_task
    from xlt.model.loader import load_encoder
    from xlt.model.saved import spec_of
    card, delta = ModelCard.read(folder), json.load(open(folder / "xlt_delta.json"))
    # classification: MeanPoolingForSequenceClassification(encoder.config, encoder) with its labels
    encoder = load_encoder(spec_of(delta["base_model"], card))
    base = get_task(card.task, card.task_options).build_model(encoder, delta["labels"])
    model = PeftModel.from_pretrained(base, folder).eval()

:meth:`merge` (``xlt merge RUN OUT``, PEFT's ``merge_and_unload``) folds them into the weights and gives a
plain transformers model.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from torch import nn

from xlt.finetune.strategies.base import Strategy, StrategyConfig
from xlt.model.parts import encoder_of


def head_module_names(model: nn.Module) -> list[str]:
    """Top-level modules with weights outside the encoder: the task head (``classifier``, ``qa_outputs``)."""
    encoder = encoder_of(model)
    return [name for name, module in model.named_children()
            if module is not encoder and any(True for _ in module.parameters())]


class LoraConfig(StrategyConfig):
    name: str = "lora"
    rank: int = Field(8, ge=1)
    alpha: int = Field(16, gt=0)  # the update is scaled by alpha / rank
    dropout: float = Field(0.1, ge=0, lt=1)
    target_modules: list[str] = Field(["query", "key", "value", "dense"], min_length=1)
    head_modules: list[str] | None = None  # None: the modules outside the encoder (classifier, qa_outputs)


class LoraStrategy(Strategy):
    config_class = LoraConfig
    saves_delta = True

    def apply(self, model: nn.Module) -> nn.Module:
        from peft import LoraConfig as PeftLoraConfig
        from peft import get_peft_model

        c = self.config
        peft_config = PeftLoraConfig(
            r=c.rank, lora_alpha=c.alpha, lora_dropout=c.dropout, target_modules=c.target_modules,
            modules_to_save=c.head_modules or head_module_names(model),
        )
        return get_peft_model(model, peft_config)

    def save_native(self, model: nn.Module, folder: Path) -> None:
        model.save_pretrained(folder)  # adapter_config.json + adapter_model.safetensors (LoRA and the head)

    def export(self, model: nn.Module) -> nn.Module:
        return model.merge_and_unload() if hasattr(model, "merge_and_unload") else model

    def merge(self, model: nn.Module) -> nn.Module:
        return self.export(model)
