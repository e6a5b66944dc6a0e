"""Multilingual knowledge distillation (Reimers & Gurevych 2020, sentence-transformers' make_multilingual).

A frozen teacher embeds the source sentence; the student learns to put BOTH the source and its translation
at that point: ``MSE(student(src), teacher(src)) + MSE(student(tgt), teacher(src))``. The teacher is a
frozen copy of the starting model unless ``teacher:`` names another model folder (its own tokenizer and
prefix are used for its inputs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from xlt.errors import ConfigError
from xlt.pretrain.objectives.alignment import sentence_vectors
from xlt.pretrain.objectives.base import Objective, ObjectiveContext


class Distillation(Objective):
    name = "distill"
    kind = "parallel"

    def __init__(self, ctx: ObjectiveContext, options: dict[str, Any] | None = None) -> None:
        super().__init__(ctx, options)
        if ctx.teacher is None:
            raise ConfigError("objective distill needs a teacher model (the run sets a frozen copy by default)")

    def collate(self, examples: Sequence[tuple[str, tuple[str, str]]]) -> dict[str, Any]:
        sources = [pair[0] for _, pair in examples]
        src = self.encode(sources)
        tgt = self.encode([pair[1] for _, pair in examples])
        teacher_src = self.encode(sources, self.ctx.teacher_tokenizer, self.ctx.teacher_spec)
        teacher_src.pop("special_tokens_mask")
        counts = self.counts_of_pairs([group for group, _ in examples], src, tgt)
        return {"source": src, "target": tgt, "teacher_source": teacher_src, "token_counts": counts}

    def loss(self, model, batch: dict[str, Any]) -> torch.Tensor:
        with torch.no_grad():
            target = sentence_vectors(self.ctx.teacher, batch["teacher_source"])
        encoder = model.base_model
        src = sentence_vectors(encoder, batch["source"])
        tgt = sentence_vectors(encoder, batch["target"])
        if src.shape[-1] != target.shape[-1]:
            raise ConfigError(f"distill: the teacher's vectors have {target.shape[-1]} dimensions, the student's "
                              f"{src.shape[-1]}; choose a teacher of the same width")
        return F.mse_loss(src, target) + F.mse_loss(tgt, target)
