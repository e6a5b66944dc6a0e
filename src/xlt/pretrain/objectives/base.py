"""What every pretraining objective provides: how to batch its examples and how to score a batch.

An example is ``(group, item)``: ``group`` is a language (``"deu"``) for monolingual text or a language pair
(``"eng-deu"``) for parallel text; ``item`` is a text or a ``(source, target)`` pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import torch

from xlt.errors import ConfigError
from xlt.model.spec import ModelSpec


@dataclass
class ObjectiveContext:
    """What objectives share: the tokenizer, how inputs are written, the languages whose tokens are counted."""

    tokenizer: Any
    spec: ModelSpec
    max_length: int
    mlm_probability: float = 0.15
    teacher: Any = None  # distillation: a frozen encoder
    teacher_tokenizer: Any = None
    teacher_spec: ModelSpec | None = None
    seed: int = 0


def split_group(group: str) -> tuple[str, str]:
    """``"eng-deu"`` -> ``("eng", "deu")``; the source language is the part before the first ``-``."""
    src, _, tgt = group.partition("-")
    return src, tgt


class Objective:
    """Subclasses set ``name`` and ``kind`` and implement :meth:`collate` and :meth:`loss`."""

    name: ClassVar[str]
    kind: ClassVar[Literal["mono", "parallel"]]

    def __init__(self, ctx: ObjectiveContext, options: dict[str, Any] | None = None) -> None:
        self.ctx = ctx
        self.options = dict(options or {})
        unknown = set(self.options) - set(self.option_defaults())
        if unknown:

            raise ConfigError(f"objective {self.name}: unknown options {sorted(unknown)}; "
                              f"known: {sorted(self.option_defaults())}")

    @classmethod
    def option_defaults(cls) -> dict[str, Any]:
        return {}

    def option(self, key: str) -> Any:
        return self.options.get(key, self.option_defaults()[key])

    def collate(self, examples: Sequence[tuple[str, Any]]) -> dict[str, torch.Tensor]:
        """Tensors for one batch, plus ``token_counts``: ``{language: text tokens}`` (no padding, no specials)."""
        raise NotImplementedError

    def loss(self, model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """The scalar loss of ``batch`` for ``model`` (a ``*ForMaskedLM`` whose base model is the encoder)."""
        raise NotImplementedError

    # helpers shared by the objectives
    @staticmethod
    def count_tokens(langs: Sequence[str], batch: dict[str, torch.Tensor]) -> dict[str, int]:
        """Text tokens per language: attended tokens that are not special tokens (``<s>``, ``</s>``)."""
        counted = batch["attention_mask"] * (1 - batch["special_tokens_mask"])
        counts: dict[str, int] = {}
        for lang, n in zip(langs, counted.sum(1).tolist(), strict=True):
            counts[lang] = counts.get(lang, 0) + int(n)
        return counts

    def encode(self, texts: Sequence[str], tokenizer=None, spec: ModelSpec | None = None) -> dict[str, torch.Tensor]:
        tokenizer = tokenizer or self.ctx.tokenizer
        spec = spec or self.ctx.spec
        return dict(tokenizer(spec.apply_prefix(list(texts)), truncation=True, max_length=self.ctx.max_length,
                              padding=True, return_tensors="pt", return_special_tokens_mask=True))

    def counts_of_pairs(self, groups: Sequence[str], src: dict, tgt: dict) -> dict[str, int]:
        """Token counts of a batch of pairs (``src``/``tgt`` from :meth:`encode`); pops the special-token masks."""
        langs = [split_group(group) for group in groups]
        counts = self.count_tokens([s for s, _ in langs], src)
        for lang, n in self.count_tokens([t for _, t in langs], tgt).items():
            counts[lang] = counts.get(lang, 0) + n
        src.pop("special_tokens_mask")
        tgt.pop("special_tokens_mask")
        return counts
