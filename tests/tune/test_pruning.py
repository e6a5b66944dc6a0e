"""Pruning: a trial the pruner stops ends after its first epoch, says so in its folder, and is PRUNED."""

from __future__ import annotations

import json

import optuna

from xlt.tune import load_tune_config
from xlt.tune.objective import Objective


class PruneAfterFirstEpoch(optuna.pruners.BasePruner):
    def prune(self, study, trial) -> bool:
        return trial.last_step is not None and trial.last_step >= 1


def test_a_pruned_trial_stops_early_and_its_run_folder_says_so(tune_config, tmp_path):
    tc = load_tune_config(tune_config, ["training.epochs=3"])
    study = optuna.create_study(direction="maximize", pruner=PruneAfterFirstEpoch(),
                                sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(Objective(tc.base, tc.space, tmp_path / "study"), n_trials=1)
    trial = study.trials[0]
    assert trial.state == optuna.trial.TrialState.PRUNED
    assert list(trial.intermediate_values) == [1]  # one epoch reported, then stopped
    folder = tmp_path / "study" / "trials" / "trial-0000"
    record = json.loads((folder / "trial.json").read_text())
    assert record["state"] == "pruned" and record["pruned_after_epoch"] == 1
    assert json.loads((folder / "run_info.json").read_text())["epochs_run"] == 1
    assert not (folder / "checkpoints").exists() and not (folder / "model").exists()
