"""``prompt``: prompt tuning (Lester et al. 2021): trainable vectors before the input; encoder frozen.

``num_virtual_tokens`` vectors are put in front of every input's token embeddings (initialised from
the embeddings of random vocabulary words, PEFT's ``RANDOM`` init) and trained with the task head;
the encoder stays as pretrained. Token-level outputs (tagging logits, QA start/end logits) have the
virtual positions cut off again, so they line up with the real tokens.

Why not PEFT's ``PromptTuningConfig``: checked with peft 0.21 (``tests/finetune/test_prompt_peft.py``).
It works for sequence classification, but ``PeftModelForTokenClassification`` prepends the virtual
tokens without padding the labels (the loss fails on a shape mismatch) nor cutting the logits, and
``PeftModelForQuestionAnswering`` leaves start/end positions pointing at the wrong tokens. One small
wrapper here serves all three tasks the same way; the mechanism is PEFT's (virtual-token embeddings
concatenated to ``inputs_embeds``, attention mask extended with ones).

Nothing to merge: the prompt is an input, not a weight change.

A sequence classification run also saves in PEFT's format (``adapter_config.json`` with
``PromptTuningConfig(task_type="SEQ_CLS")`` and the head in ``modules_to_save``, ``adapter_model.safetensors``),
where PEFT computes what this wrapper computes; ``PeftModel.from_pretrained(base, folder)`` loads it onto the
base model with its head, built as :mod:`xlt.finetune.strategies.lora` shows. Tagging and QA runs have only
xlt's delta.
"""

from __future__ import annotations

import copy
from pathlib import Path

import torch
from pydantic import Field
from torch import nn

from xlt.errors import ConfigError
from xlt.finetune.strategies.base import Strategy, StrategyConfig
from xlt.finetune.strategies.lora import head_module_names
from xlt.model.parts import encoder_of, freeze


class PromptConfig(StrategyConfig):
    name: str = "prompt"
    num_virtual_tokens: int = Field(20, ge=1)
    seed: int = 0  # which vocabulary words initialise the prompt


class PromptTuned(nn.Module):
    """``model`` with ``prompt`` vectors before the input; outputs as ``model``'s, virtual positions removed."""

    def __init__(self, model: nn.Module, num_virtual_tokens: int) -> None:
        super().__init__()
        self.model = model
        self.config = model.config
        hidden = model.get_input_embeddings().embedding_dim
        self.prompt = nn.Parameter(torch.zeros(num_virtual_tokens, hidden))

    @property
    def device(self) -> torch.device:
        return self.prompt.device

    def get_input_embeddings(self) -> nn.Module:
        return self.model.get_input_embeddings()

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None,
                start_positions=None, end_positions=None, **kwargs):
        kwargs.pop("length", None)
        kwargs.pop("return_dict", None)
        embeds = self.model.get_input_embeddings()(input_ids)
        batch, n = embeds.shape[0], self.prompt.shape[0]
        embeds = torch.cat([self.prompt.unsqueeze(0).expand(batch, -1, -1).to(embeds.dtype), embeds], dim=1)
        if attention_mask is None:
            attention_mask = torch.ones(input_ids.shape, dtype=torch.long, device=input_ids.device)
        ones = torch.ones(batch, n, dtype=attention_mask.dtype, device=attention_mask.device)
        extra = {}
        if token_type_ids is not None:
            extra["token_type_ids"] = torch.cat([torch.zeros_like(ones, dtype=token_type_ids.dtype),
                                                 token_type_ids], dim=1)
        out = self.model(inputs_embeds=embeds, attention_mask=torch.cat([ones, attention_mask], dim=1),
                         **extra, **kwargs)
        fields = {key: value for key, value in out.items() if key != "loss"}
        for key, dims in (("logits", 3), ("start_logits", 2), ("end_logits", 2)):
            value = fields.get(key)
            if value is not None and value.dim() == dims:
                fields[key] = value[:, n:]  # token-level outputs: drop the virtual positions
        loss = self._loss(fields, labels, start_positions, end_positions)
        return type(out)(loss=loss, **fields) if loss is not None else type(out)(**fields)

    @staticmethod
    def _loss(fields: dict, labels, start_positions, end_positions):
        ce = nn.functional.cross_entropy
        if start_positions is not None and end_positions is not None:
            return (ce(fields["start_logits"], start_positions) + ce(fields["end_logits"], end_positions)) / 2
        if labels is None:
            return None
        logits = fields["logits"]
        return ce(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)


def _signature_for(model: nn.Module) -> type[PromptTuned]:
    """A subclass whose ``forward`` names only the label arguments of ``model`` (the Trainer reads them)."""
    name = type(model).__name__
    if "QuestionAnswering" in name:
        class PromptTunedQA(PromptTuned):
            def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, start_positions=None,
                        end_positions=None, **kwargs):
                return super().forward(input_ids, attention_mask, token_type_ids, start_positions=start_positions,
                                       end_positions=end_positions, **kwargs)
        return PromptTunedQA

    class PromptTunedLabels(PromptTuned):
        def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None, **kwargs):
            return super().forward(input_ids, attention_mask, token_type_ids, labels=labels, **kwargs)
    return PromptTunedLabels


class PromptStrategy(Strategy):
    config_class = PromptConfig
    saves_delta = True

    def build(self, model: nn.Module) -> nn.Module:
        if self.config.num_virtual_tokens < 1:
            raise ConfigError(f"prompt num_virtual_tokens must be 1 or more, got {self.config.num_virtual_tokens}")
        freeze(encoder_of(model))
        return _signature_for(model)(model, self.config.num_virtual_tokens)

    def apply(self, model: nn.Module) -> nn.Module:
        wrapped = self.build(model)
        words = model.get_input_embeddings().weight
        rows = torch.randint(0, words.shape[0], (self.config.num_virtual_tokens,),
                             generator=torch.Generator().manual_seed(self.config.seed))
        with torch.no_grad():
            wrapped.prompt.copy_(words[rows])
        return wrapped

    def save_native(self, model: nn.Module, folder: Path) -> None:
        if "SequenceClassification" not in type(model.model).__name__:
            return  # PEFT's prompt tuning misplaces token-level outputs (see above): xlt's delta only
        from peft import PromptTuningConfig, get_peft_model

        task_model = copy.deepcopy(model.model)  # get_peft_model wraps the head in place
        heads = head_module_names(task_model)
        peft_model = get_peft_model(task_model, PromptTuningConfig(
            task_type="SEQ_CLS", num_virtual_tokens=self.config.num_virtual_tokens, modules_to_save=heads))
        with torch.no_grad():
            peft_model.prompt_encoder["default"].embedding.weight.copy_(model.prompt)
        peft_model.save_pretrained(folder)

    def merge(self, model: nn.Module) -> nn.Module:
        raise ConfigError("prompt tuning cannot be merged into the base weights: the prompt is extra input "
                          "vectors, not a change of weights")
