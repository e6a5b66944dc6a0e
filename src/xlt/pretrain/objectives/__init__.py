"""Pretraining objectives by name; a new objective = one file + one line here."""

from __future__ import annotations

from xlt.pretrain.objectives.alignment import Alignment
from xlt.pretrain.objectives.base import Objective, ObjectiveContext
from xlt.pretrain.objectives.distill import Distillation
from xlt.pretrain.objectives.mlm import MaskedLM
from xlt.pretrain.objectives.tlm import TranslationLM

OBJECTIVES: dict[str, type[Objective]] = {
    cls.name: cls for cls in (MaskedLM, TranslationLM, Alignment, Distillation)
}

__all__ = ["OBJECTIVES", "Objective", "ObjectiveContext"]
