"""Load a model folder that xlt saved (or any sequence-classification folder) for prediction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from xlt.errors import ModelError
from xlt.finetune.heads.mean_pool_classifier import MeanPoolingForSequenceClassification
from xlt.model.builtin import MODEL_CARD_FILE
from xlt.model.spec import ModelSpec


@dataclass
class SavedModel:
    model: object
    tokenizer: object
    spec: ModelSpec
    task: str
    source_languages: list[str]
    task_options: dict


def load_saved(path: str | Path) -> SavedModel:
    """The model, its tokenizer and its card (prefix, max length, task, source languages)."""
    from transformers import (
        AutoModelForQuestionAnswering,
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
    )

    path = Path(path)
    from xlt.deploy.variant import read_variant  # exported variants (ONNX, TorchScript, dropped layers)

    if (variant := read_variant(path)) is not None:
        from xlt.deploy.load_variant import load_variant

        return load_variant(path, variant)
    if not (path / "config.json").is_file():
        raise ModelError(f"{path} is not a model folder (no config.json)")
    card_file = path / MODEL_CARD_FILE
    card = json.loads(card_file.read_text("utf-8")) if card_file.is_file() else {}
    config = json.loads((path / "config.json").read_text("utf-8"))
    task = card.get("task", "classification")
    if MeanPoolingForSequenceClassification.__name__ in (config.get("architectures") or []):
        model = MeanPoolingForSequenceClassification.from_pretrained(path)  # xlt's head, no remote code
    elif task == "tagging":
        model = AutoModelForTokenClassification.from_pretrained(path)
    elif task == "qa":
        model = AutoModelForQuestionAnswering.from_pretrained(path)
    elif task == "translation":
        from transformers import AutoModelForSeq2SeqLM

        model = AutoModelForSeq2SeqLM.from_pretrained(path)
    else:
        model = AutoModelForSequenceClassification.from_pretrained(path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    spec = ModelSpec(name=str(path), prefix=card.get("prefix", ""), max_length=card.get("max_length", 128),
                     pooling=card.get("pooling"))
    return SavedModel(model.eval(), tokenizer, spec, task,
                      card.get("source_languages", []), card.get("task_options", {}))
