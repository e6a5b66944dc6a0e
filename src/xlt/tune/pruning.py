"""Report each epoch's source-dev score to the Optuna trial and stop the Trainer when the pruner says so.

Optuna's own ``TrainerCallback`` integration lives in optuna-integration, which is not a dependency; this is
the same dozen lines. The Trainer is stopped through ``control.should_training_stop`` (so its end-of-training
hooks run: Ctrl-C handling restored, run folder written); the objective then raises ``optuna.TrialPruned``.
"""

from __future__ import annotations

import math

from transformers import TrainerCallback

from xlt.errors import ConfigError


class PruningCallback(TrainerCallback):
    """``on_evaluate``: ``trial.report(source-dev score, epoch)``; pruned -> stop training, remember why."""

    def __init__(self, trial, metric: str = "eval_accuracy") -> None:
        self.trial = trial
        self.metric = metric
        self.reports: list[tuple[int, float]] = []  # (epoch, source-dev score)
        self.pruned_at: int | None = None

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        if not metrics or self.metric not in metrics:
            raise ConfigError(f"pruning: the dev evaluation gave no {self.metric!r} (got {sorted(metrics or {})})")
        epoch = max(1, math.ceil((state.epoch or 0) - 1e-6))  # the step pruners compare across trials
        value = float(metrics[self.metric])
        self.trial.report(value, epoch)
        self.reports.append((epoch, value))
        if self.trial.should_prune():
            self.pruned_at = epoch
            control.should_training_stop = True
        return control
