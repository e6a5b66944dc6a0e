"""Save a pretrained model as a folder that ``xlt train`` (``model.name``) and plain transformers load."""

from __future__ import annotations

from pathlib import Path

from xlt.io import atomic_path
from xlt.model.card import ModelCard
from xlt.model.spec import ModelSpec


def save_pretrained_model(model, tokenizer, target: Path, *, spec: ModelSpec, extra: dict) -> Path:
    """Weights (with the MLM head) + tokenizer + the xlt card; the prefix and pooling carry over."""
    with atomic_path(target) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        ModelCard.for_spec(spec, **extra).write(tmp)
    return target
