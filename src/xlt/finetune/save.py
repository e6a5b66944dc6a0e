"""Save a trained task model as a folder plain transformers can load."""

from __future__ import annotations

from pathlib import Path

from xlt.finetune.heads.mean_pool_classifier import MeanPoolingForSequenceClassification
from xlt.io import atomic_path, write_json
from xlt.model.builtin import MODEL_CARD_FILE
from xlt.model.spec import ModelSpec


def save_model(model, tokenizer, target: Path, *, spec: ModelSpec, task: str,
               source_languages: list[str], task_options: dict | None = None) -> Path:
    """Write ``model`` + tokenizer + the xlt card (prefix, pooling, task) atomically to ``target``."""
    if isinstance(model, MeanPoolingForSequenceClassification):
        # copies the head's module beside the weights: loads with trust_remote_code=True
        type(model).register_for_auto_class("AutoModelForSequenceClassification")
    with atomic_path(target) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        write_json(tmp / MODEL_CARD_FILE, {
            "base_model": spec.name, "prefix": spec.resolved_prefix(), "pooling": spec.resolved_pooling(),
            "max_length": spec.max_length, "task": task, "task_options": task_options or {},
            "source_languages": source_languages,
        })
    return target
