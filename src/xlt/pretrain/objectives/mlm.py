"""MLM: masked-language-model training on monolingual text (BERT/XLM-R recipe, transformers' masking).

Inputs carry the model's prefix (as ``xlt train`` will feed them); ``DataCollatorForLanguageModeling`` picks
15% of the non-special tokens (80% ``<mask>``, 10% random, 10% kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from transformers import DataCollatorForLanguageModeling

from xlt.errors import ModelError
from xlt.pretrain.objectives.base import Objective, ObjectiveContext
from xlt.pretrain.objectives.masked import masked_lm_loss


def mask_collator(ctx: ObjectiveContext, seed_offset: int = 0) -> DataCollatorForLanguageModeling:
    if ctx.tokenizer.mask_token is None:

        raise ModelError(f"{ctx.spec.name}: the tokenizer has no mask token, so it cannot do masked-LM training")
    return DataCollatorForLanguageModeling(ctx.tokenizer, mlm_probability=ctx.mlm_probability,
                                           seed=ctx.seed + seed_offset)


class MaskedLM(Objective):
    name = "mlm"
    kind = "mono"

    def __init__(self, ctx: ObjectiveContext, options: dict[str, Any] | None = None) -> None:
        super().__init__(ctx, options)
        self.masker = mask_collator(ctx)

    def collate(self, examples: Sequence[tuple[str, str]]) -> dict[str, Any]:
        langs = [lang for lang, _ in examples]
        enc = self.ctx.tokenizer(self.ctx.spec.apply_prefix([text for _, text in examples]), truncation=True,
                                 max_length=self.ctx.max_length, return_special_tokens_mask=True)
        batch = self.masker([{k: enc[k][i] for k in ("input_ids", "special_tokens_mask")}
                             for i in range(len(examples))])
        batch["attention_mask"] = (batch["input_ids"] != self.ctx.tokenizer.pad_token_id).long()
        counts: dict[str, int] = {}
        for lang, special in zip(langs, enc["special_tokens_mask"], strict=True):  # text tokens, no specials
            counts[lang] = counts.get(lang, 0) + len(special) - sum(special)
        batch["token_counts"] = counts
        return batch

    def loss(self, model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return masked_lm_loss(model, batch["input_ids"], batch["attention_mask"], batch["labels"])
