"""Save a trained task model: a folder plain transformers can load, or (parameter-efficient strategies)
only the trained weights plus a pointer to the base model (:func:`save_delta`)."""

from __future__ import annotations

from pathlib import Path

from xlt.io import atomic_path, write_json
from xlt.model.card import ModelCard
from xlt.model.heads.mean_pool_classifier import MeanPoolingForSequenceClassification
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
        ModelCard.for_spec(spec, task=task, task_options=task_options or {},
                           source_languages=source_languages).write(tmp)
    return target


DELTA_FILE, DELTA_WEIGHTS = "xlt_delta.json", "trained.safetensors"


def save_delta(model, strategy, target: Path, *, spec: ModelSpec, task: str, labels: list[str],
               source_languages: list[str], task_options: dict | None = None) -> Path:
    """Write only ``strategy.delta_state(model)`` and what rebuilds the model around it.

    The folder holds ``trained.safetensors`` (adapter/LoRA/prompt weights and the task head) and
    ``xlt_delta.json`` (the base model by name, the strategy config, the labels); the base model's
    weights and tokenizer are read from the base model when loading (:func:`xlt.finetune.load.load_saved`).
    Beside them the strategy writes its library's own format where it has one (LoRA: PEFT's
    ``adapter_config.json`` + ``adapter_model.safetensors``, :mod:`xlt.finetune.strategies.lora`).
    """
    from safetensors.torch import save_file

    state = strategy.delta_state(model)
    with atomic_path(target) as tmp:
        tmp.mkdir(parents=True)
        save_file(state, str(tmp / DELTA_WEIGHTS))
        write_json(tmp / DELTA_FILE, {
            "base_model": spec.name, "strategy": strategy.config.model_dump(mode="json"), "labels": labels,
            "parameters": sum(t.numel() for t in state.values()),
        })
        ModelCard.for_spec(spec, task=task, task_options=task_options or {},
                           source_languages=source_languages, delta=True).write(tmp)
        strategy.save_native(model, tmp)
    return target
