"""Checkpoint averaging (``training.average_checkpoints: K``): the mean of a run's own weights at its last K
epoch ends, kept where the dev set prefers it to the best checkpoint (``training.average_select``).

:class:`EpochWeights` is a ``TrainerCallback``. At each epoch end it copies the trainable parameters (those with
``requires_grad``; frozen ones are the same at every epoch end, so this works for every strategy and the copies
cost only what trains) to the CPU and keeps the last K. Epoch ends are where the Trainer evaluates and saves:
the end of every full epoch and the end of training (``training.max_steps``, a fractional last epoch), but
not the mid-epoch checkpoint that Ctrl-C asks for (the resumed run finishes that epoch).

Each copy is also written, atomically, to ``checkpoints/epoch-weights/step-<global step>.safetensors`` at the
epoch end, before the Trainer saves that step's checkpoint, so every checkpoint finds the copies it needs on
disk (the one exception, a checkpoint Ctrl-C asks for on an epoch's last step, is saved just before that
epoch end's copy, and holds that epoch end's weights itself). Copies that left the window are deleted once a
later checkpoint is saved. On ``--resume`` (after Ctrl-C or a killed process) the Trainer continues from its
last checkpoint; ``on_train_begin`` reads back the last K copies at or before that step (taking a missing
last one from the checkpoint's weights) and deletes any after it (an epoch end whose checkpoint was never
written), so the window, and the average, are those of the run had it not stopped.

After ``trainer.train()`` (which loads the best checkpoint), :meth:`EpochWeights.choose` puts the average
into the model, scores it on the dev set the checkpoints were selected on (source languages, unless
``training.select_on_target``) and keeps it or puts the best checkpoint back (:func:`use_average`); it
returns the :class:`~xlt.run_folder.RunInfo` fields that say which, and holds the weights it did not keep in
``not_kept``: with ``training.average_score_both`` the run scores those on the test languages too, into
``<run>/not-kept/``, so one run shows what averaging changes on the targets (the choice itself stays on dev).

>>> use_average("dev", averaged=0.81, best=0.80), use_average("dev", averaged=0.79, best=0.80)
(True, False)
>>> use_average("dev", averaged=0.80, best=0.80), use_average("always", averaged=0.79, best=0.80)
(True, True)
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from safetensors import safe_open
from safetensors.torch import save_file
from transformers import TrainerCallback

from xlt.errors import ConfigError
from xlt.evaluate.run_evaluation import MAIN_SYSTEM
from xlt.io import atomic_path

if TYPE_CHECKING:
    from xlt.finetune.config import TrainingSettings

log = logging.getLogger("xlt")

NOT_KEPT = "not-kept"  # in the run folder: the weights not kept, scored (training.average_score_both)
#: the two weights as systems of a multi-seed run's spread (seeds.json and its report), with average_score_both
BEST_SYSTEM, AVERAGED_SYSTEM = f"{MAIN_SYSTEM} best-checkpoint", f"{MAIN_SYSTEM} averaged"
FOLDER = "epoch-weights"  # inside the Trainer's checkpoints folder (not checkpoint-*: the Trainer ignores it)
_FILE = re.compile(r"^step-(\d+)\.safetensors$")


@dataclass
class EpochEnd:
    """The trainable weights at one epoch end (CPU copies), and where in training it was."""

    step: int
    epoch: float
    weights: dict[str, torch.Tensor]


def use_average(select: str, *, averaged: float | None, best: float | None) -> bool:
    """Whether the averaged weights replace the best checkpoint: always with ``always``; with ``dev`` when
    the average scores at least the best checkpoint's dev score (a NaN score loses; no best score to beat
    - no evaluation ran - keeps the average)."""
    if select == "always":
        return True
    if averaged is None or math.isnan(averaged):
        return False
    return best is None or averaged >= best


def average(window: list[EpochEnd]) -> dict[str, torch.Tensor]:
    """The element-wise mean of the window's weights (a float32 running sum: one parameter's extra copy)."""
    mean: dict[str, torch.Tensor] = {}
    for name, first in window[0].weights.items():
        total = first.to(torch.float32, copy=True)
        for end in window[1:]:
            total += end.weights[name]
        mean[name] = (total / len(window)).to(first.dtype)
    return mean


class EpochWeights(TrainerCallback):
    """Keeps the trainable weights of the last ``k`` epoch ends, in memory and in ``checkpoints/epoch-weights/``."""

    def __init__(self, k: int, checkpoints: str | Path) -> None:
        self.k = k
        self.folder = Path(checkpoints) / FOLDER
        self.window: deque[EpochEnd] = deque(maxlen=k)
        self.not_kept: dict[str, torch.Tensor] | None = None  # after choose(): the weights it put aside (CPU)

    @classmethod
    def for_run(cls, training: TrainingSettings, checkpoints: str | Path, *, dev_rows: int) -> EpochWeights | None:
        """The callback ``training`` asks for; None where it asks for no averaging."""
        if not training.average_checkpoints:
            return None
        if training.average_select == "dev" and not dev_rows:
            raise ConfigError("training.average_select=dev compares the averaged weights with the best checkpoint "
                              "on the dev set, and this run's dev set is empty: give a dev set, or set "
                              "training.average_select: always to use the average unscored")
        return cls(training.average_checkpoints, checkpoints)

    # --- during training ---------------------------------------------------------------------------------

    def on_train_begin(self, args, state, control, model=None, **kwargs):
        """A fresh run starts with an empty window; a resumed one reads back the window of its checkpoint."""
        self.window.clear()
        saved = self._saved()
        for step, path in saved.items():
            if step > state.global_step and args.should_save:
                path.unlink()  # after the checkpoint resumed from (or a stale run's): its epoch is trained again
        if not state.global_step:
            return
        kept = [step for step in saved if step <= state.global_step][-self.k:]
        self.window.extend(self._read(step, saved[step]) for step in kept)
        if _at_epoch_end(state) and state.global_step not in saved:
            # a checkpoint Ctrl-C asked for on an epoch's last step is saved before that epoch end's copy: the
            # model holds the checkpoint's weights, which are that epoch end's
            self._keep(args, state, model)
        _check_names(self.window, _trainable(model))

    def on_epoch_end(self, args, state, control, model=None, **kwargs):
        if _at_epoch_end(state):
            self._keep(args, state, model)

    def on_save(self, args, state, control, **kwargs):
        """A checkpoint at ``state.global_step`` exists now: copies older than its window are not needed."""
        if not args.should_save:
            return
        keep = {end.step for end in self.window}
        for step, path in self._saved().items():
            if step not in keep and step < state.global_step:
                path.unlink()

    def _keep(self, args, state, model) -> None:
        """The model's trainable weights now: into the window, and (main process) to disk."""
        end = EpochEnd(state.global_step, round(state.epoch or 0, 4),
                       {name: p.detach().to("cpu", copy=True).contiguous() for name, p in _trainable(model).items()})
        self.window.append(end)
        if args.should_save:
            with atomic_path(self.folder / f"step-{end.step}.safetensors") as tmp:
                save_file(end.weights, tmp, metadata={"step": str(end.step), "epoch": str(end.epoch)})

    def _saved(self) -> dict[int, Path]:
        """step -> file of the copies on disk, in step order."""
        if not self.folder.is_dir():
            return {}
        found = {int(m.group(1)): path for path in self.folder.iterdir() if (m := _FILE.match(path.name))}
        return dict(sorted(found.items()))

    @staticmethod
    def _read(step: int, path: Path) -> EpochEnd:
        with safe_open(str(path), framework="pt") as f:
            epoch = float((f.metadata() or {}).get("epoch", "nan"))
            return EpochEnd(step, epoch, {name: f.get_tensor(name) for name in f.keys()})  # noqa: SIM118

    # --- after training ----------------------------------------------------------------------------------

    def choose(self, trainer, select: str) -> dict[str, Any]:
        """Average the window into ``trainer.model``, score it on dev, keep it or put the loaded (best)
        checkpoint back; the RunInfo fields of what happened."""
        window = list(self.window)
        epochs = [end.epoch for end in window]
        fields: dict[str, Any] = {"averaged_checkpoints": len(window), "averaged_epochs": epochs,
                                  "average_select": select}
        if len(window) < 2:
            log.warning("training.average_checkpoints=%d: training stopped after %d epoch end(s), nothing to "
                        "average", self.k, len(window))
            return fields | {"averaged_used": False, "weights_note": (
                f"not averaged: training stopped after {len(window)} epoch end(s), too few to average "
                f"(training.average_checkpoints={self.k})")}
        averaged = average(window)
        loaded = swap_in(trainer.model, averaged)
        metric, best = trainer.args.metric_for_best_model, trainer.state.best_metric
        score = None
        if trainer.eval_dataset is not None:  # the Trainer's evaluation loop, without on_evaluate callbacks
            score = trainer.predict(trainer.eval_dataset, metric_key_prefix="eval").metrics.get(f"eval_{metric}")
        used = use_average(select, averaged=score, best=best)
        if not used:
            swap_in(trainer.model, loaded)
        self.not_kept = loaded if used else averaged
        log.info("checkpoint averaging: epochs %s, dev %s %s vs best checkpoint %s: %s", _epochs(epochs), metric,
                 score, best, "the average is used" if used else "the best checkpoint is kept")
        return fields | {"averaged_dev_score": score, "averaged_used": used,
                         "weights_note": weights_note(epochs, select, used, metric, score, best)}


def with_both_weights(results: dict, run_root: str | Path, averaged_used: bool | None) -> dict | None:
    """A run's ``metrics.json`` contents with two more systems, :data:`BEST_SYSTEM` and :data:`AVERAGED_SYSTEM`:
    the saved model's scores and those of ``<run>/not-kept/`` (``training.average_score_both``), each under what it
    is; None where the run has no ``not-kept/`` scores (nothing was averaged)."""
    path = Path(run_root) / NOT_KEPT / "metrics.json"
    if averaged_used is None or not path.is_file():
        return None
    kept = results["systems"][MAIN_SYSTEM]
    other = json.loads(path.read_text("utf-8"))["systems"][MAIN_SYSTEM]
    averaged, best = (kept, other) if averaged_used else (other, kept)
    return {**results, "systems": {**results["systems"], BEST_SYSTEM: best, AVERAGED_SYSTEM: averaged}}


def weights_note(epochs: list[float], select: str, used: bool, metric: str | None, score: float | None,
                 best: float | None) -> str:
    """What the saved weights are, in one sentence.

    >>> print(weights_note([2.0, 3.0, 4.0], "dev", True, "accuracy", 0.8125, 0.8))
    the mean of the weights at the last 3 epoch ends (epochs 2, 3, 4), chosen on dev:
    accuracy 0.8125 >= 0.8 of the best checkpoint
    >>> print(weights_note([3.0, 4.0], "dev", False, "accuracy", 0.75, 0.8))
    the best checkpoint: the mean of the weights at the last 2 epoch ends (epochs 3, 4) scored
    accuracy 0.75 < 0.8 on dev
    """
    mean = f"the mean of the weights at the last {len(epochs)} epoch ends (epochs {_epochs(epochs)})"
    scored = f"{metric} {_number(score)}"
    if select == "always":
        compared = f"; dev {scored}, best checkpoint {_number(best)}" if score is not None else ""
        return f"{mean}, used without a dev comparison (training.average_select: always){compared}"
    if used:
        return f"{mean}, chosen on dev: {scored} >= {_number(best)} of the best checkpoint"
    return f"the best checkpoint: {mean} scored {scored} < {_number(best)} on dev"


def _at_epoch_end(state) -> bool:
    """A full epoch's end or training's last step; not a stop that Ctrl-C asked for mid-epoch."""
    epoch = state.epoch or 0
    return abs(epoch - round(epoch)) < 1e-6 or state.global_step >= state.max_steps


def _trainable(model) -> dict[str, torch.nn.Parameter]:
    return {name: p for name, p in model.named_parameters() if p.requires_grad}


def swap_in(model, weights: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Put ``weights`` (name -> tensor) into ``model``'s parameters of those names; the values they replace."""
    params = _named_parameters(model, weights)
    before = {name: p.detach().to("cpu", copy=True) for name, p in params.items()}
    _assign(params, weights)
    return before


def _named_parameters(model, names) -> dict[str, torch.nn.Parameter]:
    """The parameters the window holds, by name (loading the best checkpoint may change ``requires_grad``)."""
    params = dict(model.named_parameters())
    missing = [name for name in names if name not in params]
    if missing:
        raise ConfigError(f"checkpoint averaging: the model has no parameter {missing[0]!r} "
                          f"({len(missing)} missing) of the recorded epoch ends")
    return {name: params[name] for name in names}


def _check_names(window, trainable: dict[str, Any]) -> None:
    for end in window:
        if set(end.weights) != set(trainable):
            raise ConfigError(f"checkpoint averaging: the weights saved at step {end.step} are not the trainable "
                              "parameters of this model (was the strategy changed before --resume?)")


@torch.no_grad()
def _assign(params: dict[str, torch.nn.Parameter], values: dict[str, torch.Tensor]) -> None:
    for name, p in params.items():
        p.copy_(values[name].to(device=p.device, dtype=p.dtype))


def _epochs(epochs: list[float]) -> str:
    return ", ".join(f"{e:g}" for e in epochs)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"
