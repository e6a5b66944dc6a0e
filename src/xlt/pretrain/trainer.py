"""The HF ``Trainer`` with a multi-objective loss: each step sums ``weight * loss`` over the objectives.

Trainer gives the schedule, checkpoints, ``--resume``, the progress bar and Ctrl-C handling (via
``finetune.interrupt``); xlt only supplies the loss, the per-objective loss log and the per-language token
counts and training seconds (kept in every checkpoint so a resumed run keeps counting).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from transformers import Trainer, TrainerCallback

STATE_FILE = "xlt_pretrain_state.json"


class PretrainTrainer(Trainer):
    def __init__(self, *args, objectives: Mapping[str, Any], weights: Mapping[str, float], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = dict(objectives)
        self.weights = dict(weights)
        self.token_counts: Counter[str] = Counter()
        self.loss_history: list[dict[str, float]] = []
        self._sums: dict[str, float] = {}
        self._n = 0
        self.seconds_before = 0.0  # training time of the earlier segments of a resumed run
        self.started = time.perf_counter()

    def train_seconds(self) -> float:
        """Wall seconds of training so far, over every segment of a resumed run."""
        return self.seconds_before + time.perf_counter() - self.started

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        total = None
        for name, batch in inputs.items():
            counts = batch.pop("token_counts", {})
            loss = self.objectives[name].loss(model, batch)
            self._sums[name] = self._sums.get(name, 0.0) + float(loss.detach())
            self.token_counts.update({lang: int(n) for lang, n in counts.items()})
            weighted = self.weights[name] * loss
            total = weighted if total is None else total + weighted
        self._n += 1
        return (total, None) if return_outputs else total

    def log(self, logs: dict[str, float], *args, **kwargs) -> None:
        if "loss" in logs and self._n:
            for name, value in self._sums.items():
                logs[f"loss_{name}"] = round(value / self._n, 4)
            self.loss_history.append({"step": self.state.global_step, **{k: v for k, v in logs.items()
                                                                         if k.startswith("loss")}})
            self._sums, self._n = {}, 0
        super().log(logs, *args, **kwargs)


class PretrainStateCallback(TrainerCallback):
    """Write token counts and the loss log beside each checkpoint; :func:`load_state` reads them back."""

    def __init__(self, trainer: PretrainTrainer) -> None:
        self.trainer = trainer

    def on_save(self, args, state, control, **kwargs):
        folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        if folder.is_dir():
            (folder / STATE_FILE).write_text(json.dumps({
                "token_counts": dict(self.trainer.token_counts), "loss_history": self.trainer.loss_history,
                "train_seconds": self.trainer.train_seconds()}))
        return control


def load_state(trainer: PretrainTrainer, checkpoint: str | Path) -> None:
    path = Path(checkpoint) / STATE_FILE
    if path.is_file():
        saved = json.loads(path.read_text())
        trainer.token_counts = Counter(saved["token_counts"])
        trainer.loss_history = saved["loss_history"]
        trainer.seconds_before = saved.get("train_seconds", 0.0)
