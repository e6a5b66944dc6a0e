"""Load a model folder that xlt saved (or any sequence-classification folder) for prediction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from xlt.errors import ModelError
from xlt.finetune.heads.mean_pool_classifier import MeanPoolingForSequenceClassification
from xlt.finetune.save import DELTA_FILE, DELTA_WEIGHTS
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
    strategy: object = None  # parameter-efficient runs: the strategy (MAD-X swaps language adapters)

    def activate_language(self, lang: str) -> None:
        """Prepare the model for inputs in ``lang`` (a no-op except for per-language adapters)."""
        if self.strategy is not None:
            self.strategy.activate_language(self.model, lang)


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
    if (path / DELTA_FILE).is_file():
        return _load_delta(path)
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


def _load_delta(path: Path) -> SavedModel:
    """Base model (by its name) + task head + strategy structure, then the saved trained weights."""
    from safetensors.torch import load_file

    from xlt.finetune.strategies import make_strategy
    from xlt.finetune.tasks import get_task
    from xlt.model.loader import load_encoder, load_tokenizer

    delta = json.loads((path / DELTA_FILE).read_text("utf-8"))
    card = json.loads((path / MODEL_CARD_FILE).read_text("utf-8"))
    spec = ModelSpec(name=delta["base_model"], prefix=card.get("prefix", ""), max_length=card.get("max_length", 128),
                     pooling=card.get("pooling"))
    task = get_task(card.get("task", "classification"), card.get("task_options", {}))
    task.use_labels(delta["labels"])
    strategy = make_strategy(delta["strategy"])
    model = strategy.build(task.build_model(load_encoder(spec), delta["labels"]))
    state = load_file(str(path / DELTA_WEIGHTS))
    result = model.load_state_dict(state, strict=False)
    if result.unexpected_keys:
        raise ModelError(f"{path / DELTA_WEIGHTS}: weights the rebuilt {strategy.config.name} model does not have, "
                         f"e.g. {result.unexpected_keys[:3]} (another base model or strategy version?)")
    return SavedModel(model.eval(), load_tokenizer(spec), spec, task.name, card.get("source_languages", []),
                      card.get("task_options", {}), strategy)


def merge_saved(model_or_run: str | Path, output: str | Path) -> Path:
    """Merge a parameter-efficient run into a plain model folder, where its strategy allows (LoRA)."""
    from xlt.finetune.save import save_model

    path = Path(model_or_run)
    path = path / "model" if (path / "model").is_dir() else path
    saved = load_saved(path)
    if saved.strategy is None:
        raise ModelError(f"{path} is already a plain model folder; nothing to merge")
    merged = saved.strategy.merge(saved.model)
    return save_model(merged, saved.tokenizer, Path(output), spec=saved.spec, task=saved.task,
                      source_languages=saved.source_languages, task_options=saved.task_options)
