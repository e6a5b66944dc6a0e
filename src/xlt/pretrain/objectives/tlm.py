"""TLM: translation language modelling (Conneau & Lample 2019) - a translation pair in one sequence, masked jointly.

The pair is encoded as the tokenizer writes sentence pairs (XLM-R: ``<s> src </s></s> tgt </s>``), each side
with the model's prefix, so a masked word can be recovered from the other language. Unlike XLM, positions are
not restarted for the target side and no language embeddings are added (the encoders xlt fine-tunes have none).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from xlt.pretrain.objectives.base import Objective, ObjectiveContext, split_group
from xlt.pretrain.objectives.masked import masked_lm_loss
from xlt.pretrain.objectives.mlm import mask_collator


class TranslationLM(Objective):
    name = "tlm"
    kind = "parallel"

    def __init__(self, ctx: ObjectiveContext, options: dict[str, Any] | None = None) -> None:
        super().__init__(ctx, options)
        self.masker = mask_collator(ctx, seed_offset=1)

    def collate(self, examples: Sequence[tuple[str, tuple[str, str]]]) -> dict[str, Any]:
        spec, tok = self.ctx.spec, self.ctx.tokenizer
        src = spec.apply_prefix([pair[0] for _, pair in examples])
        tgt = spec.apply_prefix([pair[1] for _, pair in examples])
        enc = tok(src, tgt, truncation="longest_first", max_length=self.ctx.max_length,
                  return_special_tokens_mask=True)
        counts: dict[str, int] = {}
        for i, (group, _) in enumerate(examples):  # tokens per side, for the per-language counts
            sides = enc.sequence_ids(i)
            for lang, side in zip(split_group(group), (0, 1), strict=True):
                counts[lang] = counts.get(lang, 0) + sum(1 for s in sides if s == side)
        batch = self.masker([{k: enc[k][i] for k in ("input_ids", "special_tokens_mask")}
                             for i in range(len(examples))])
        batch["attention_mask"] = (batch["input_ids"] != tok.pad_token_id).long()
        batch["token_counts"] = counts
        return batch

    def loss(self, model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return masked_lm_loss(model, batch["input_ids"], batch["attention_mask"], batch["labels"])
