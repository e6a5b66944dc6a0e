"""Load a model folder for prediction: a run's model, a parameter-efficient delta, an exported variant,
or any transformers folder of a task's model class."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from transformers import AutoTokenizer

from xlt.device import resolve_device, resolve_dtype
from xlt.errors import ModelError
from xlt.finetune.save import DELTA_FILE, DELTA_WEIGHTS, save_model
from xlt.finetune.strategies import make_strategy
from xlt.finetune.tasks import exportable_tasks, get_task, task_of_architectures
from xlt.model.card import ModelCard
from xlt.model.load_variant import load_variant
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.model.saved import DEFAULT_TASK, SavedModel, spec_of
from xlt.model.variant import read_variant


def load_saved(path: str | Path, device: str | torch.device | None = "cpu",
               dtype: str | torch.dtype | None = "auto") -> SavedModel:
    """The model on ``device`` (:func:`xlt.device.resolve_device`: ``auto`` picks a GPU where there is one)
    in ``dtype`` (:func:`xlt.device.resolve_dtype`: ``auto`` is bfloat16 on a CUDA GPU that has it, else
    float32), its tokenizer and its card (prefix, max length, task, source languages).

    ONNX and TorchScript variants run in the precision they were exported in; only ``auto`` and float32 suit them.
    """
    device = resolve_device(device)
    chosen = resolve_dtype(dtype, device)
    path = _local_folder(path)
    if (variant := read_variant(path)) is not None:  # exported: ONNX, TorchScript, dropped layers
        task = (ModelCard.read(path) or ModelCard()).task or DEFAULT_TASK
        if not get_task(task).export_outputs:
            raise ModelError(f"{path}: a {task!r} variant; variants run for the exportable tasks "
                             f"({', '.join(exportable_tasks())})")
        saved = load_variant(path, variant, device)
        if isinstance(saved.model, torch.nn.Module):
            saved.model.to(dtype=chosen)
        elif dtype not in (None, "auto") and chosen != torch.float32:
            raise ModelError(f"{path}: a {variant.format} variant runs in the precision it was exported in; "
                             f"--dtype {dtype} needs a torch model (leave --dtype auto)")
        return saved
    if not path.exists():
        raise ModelError(f"{path}: no such run or model folder")
    if (path / DELTA_FILE).is_file():
        saved = _load_delta(path)
        saved.model.to(device=device, dtype=chosen)
        return saved
    card = card_of(path)
    task = get_task(card.task, card.task_options)
    model = task.load_model(path).to(device=device, dtype=chosen)
    return SavedModel(model.eval(), AutoTokenizer.from_pretrained(path), spec_of(str(path), card), card)


def card_of(path: str | Path) -> ModelCard:
    """The card of a model folder (or hub id) without loading its weights; a folder xlt did not write gets
    the task of its head (``config.json`` architectures)."""
    path = _local_folder(path)
    if not path.exists():
        raise ModelError(f"{path}: no such run or model folder")
    card = ModelCard.read(path)
    if card is None and not (path / "config.json").is_file():
        raise ModelError(f"{path} is not a model folder (no config.json)")
    card = card or ModelCard()
    if card.task is None and (path / "config.json").is_file():
        architectures = json.loads((path / "config.json").read_text("utf-8")).get("architectures")
        card = card.model_copy(update={"task": task_of_architectures(architectures)})
    return card


def _local_folder(path: str | Path) -> Path:
    """``path`` itself, or for a hub id (``owner/name``) that is no local folder, the hub snapshot's folder."""
    local = Path(path)
    if local.exists() or str(path).startswith((".", "/")) or str(path).count("/") != 1:
        return local
    from huggingface_hub import snapshot_download  # the hub client: only for hub ids
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(str(path)))
    except (LocalEntryNotFoundError, HfHubHTTPError, OSError) as err:
        raise ModelError(f"{path}: no such folder, and the hub has no model by that id ({err})") from None


def _load_delta(path: Path) -> SavedModel:
    """Base model (by its name) + task head + strategy structure, then the saved trained weights."""
    from safetensors.torch import load_file

    delta = json.loads((path / DELTA_FILE).read_text("utf-8"))
    card = ModelCard.read(path)
    if card is None:
        raise ModelError(f"{path}: a delta folder without its model card ({DELTA_FILE} but no xlt_model.json)")
    spec = spec_of(delta["base_model"], card)
    task = get_task(card.task or DEFAULT_TASK, card.task_options)
    task.use_labels(delta["labels"])
    strategy = make_strategy(delta["strategy"])
    model = strategy.build(task.build_model(load_encoder(spec), delta["labels"]))
    state = load_file(str(path / DELTA_WEIGHTS))
    result = model.load_state_dict(state, strict=False)
    if result.unexpected_keys:
        raise ModelError(f"{path / DELTA_WEIGHTS}: weights the rebuilt {strategy.config.name} model does not have, "
                         f"e.g. {result.unexpected_keys[:3]} (another base model or strategy version?)")
    return SavedModel(model.eval(), load_tokenizer(spec), spec, card, strategy)


def merge_saved(model_or_run: str | Path, output: str | Path) -> Path:
    """Merge a parameter-efficient run into a plain model folder, where its strategy allows (LoRA)."""

    path = Path(model_or_run)
    path = path / "model" if (path / "model").is_dir() else path
    saved = load_saved(path)
    if saved.strategy is None:
        raise ModelError(f"{path} is already a plain model folder; nothing to merge")
    merged = saved.strategy.merge(saved.model)
    return save_model(merged, saved.tokenizer, Path(output), spec=saved.spec, task=saved.task,
                      source_languages=saved.source_languages, task_options=saved.task_options)
