"""The ``TrainingArguments`` every xlt training loop starts from, and the Trainer set-up they share.

Each loop (fine-tuning, translation, few-shot, continual learning, pretraining) passes only what is its
own (epochs or steps, what to save and when); device, precision, workers and trackers are set here once.

>>> args = training_arguments("/tmp/xlt-doctest", learning_rate=1e-4, batch_size=8, seed=1, max_steps=3)
>>> args.per_device_train_batch_size, args.max_steps, args.report_to, args.dataloader_num_workers
(8, 3, [], 0)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from transformers import TrainingArguments

from xlt.distributed import num_processes, use_cpu
from xlt.errors import ConfigError


def bf16_supported() -> bool:
    """bf16 mixed precision where the GPU has it (Ampere and later); fp32 on CPUs."""
    return torch.cuda.is_available() and torch.cuda.is_bf16_supported()


def on_device(device: torch.device) -> dict[str, Any]:
    """TrainingArguments fields that make the Trainer train on ``device`` (bf16 mixed precision only on a GPU)."""
    if device.type == "cuda" and device.index not in (None, 0) and num_processes() == 1:
        # the Trainer of one process always takes the first visible GPU
        raise ConfigError(f"device {device}: the Trainer trains on the first visible GPU; run with "
                          f"CUDA_VISIBLE_DEVICES={device.index} and device cuda")
    return {"use_cpu": device.type == "cpu", "bf16": device.type == "cuda" and bf16_supported()}


def training_arguments(output_dir: str | Path, *, learning_rate: float, batch_size: int, seed: int,
                       args_class: type[TrainingArguments] = TrainingArguments, **settings: Any) -> TrainingArguments:
    """``args_class`` with xlt's shared defaults; ``settings`` (any TrainingArguments field) override them."""
    shared: dict[str, Any] = {
        "output_dir": str(output_dir), "learning_rate": learning_rate, "per_device_train_batch_size": batch_size,
        "seed": seed, "bf16": bf16_supported(),
        "use_cpu": use_cpu(),  # also what lets torchrun on a CPU machine run DDP over gloo
        "dataloader_num_workers": 0, "dataloader_pin_memory": torch.cuda.is_available(), "report_to": "none",
    }
    return args_class(**(shared | settings))


def from_settings(t: Any, output_dir: str | Path, **settings: Any) -> TrainingArguments:
    """Arguments from an xlt training section (``training:`` of a train or pretrain config)."""
    fields = {
        "num_train_epochs": getattr(t, "epochs", None), "max_steps": t.max_steps,
        "per_device_eval_batch_size": getattr(t, "eval_batch_size", None),
        "gradient_accumulation_steps": t.gradient_accumulation, "warmup_steps": t.warmup,
        "weight_decay": t.weight_decay, "label_smoothing_factor": getattr(t, "label_smoothing", None),
    }
    if hasattr(t, "length_grouped"):
        fields["train_sampling_strategy"] = "group_by_length" if t.length_grouped else "random"
    fields = {k: v for k, v in fields.items() if v is not None}
    return training_arguments(output_dir, learning_rate=t.learning_rate, batch_size=t.batch_size, seed=t.seed,
                              **(fields | settings))


def mean_loss_trainer(trainer):
    """Make ``trainer`` take xlt models' batch loss as the plain mean over the global batch.

    A forward with ``**kwargs`` makes the Trainer assume the model divides by the global item count itself
    (``num_items_in_batch``): it would then multiply the loss by the number of processes (DDP: gradients x2
    with 2 processes) and skip the division by the gradient accumulation steps.
    """
    trainer.model_accepts_loss_kwargs = False
    return trainer
