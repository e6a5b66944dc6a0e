"""One trial: the base config with the trial's values -> ``train(evaluate=False)`` -> its model's source-dev score.

A trial trains in ``<study>/trials/trial-NNNN/`` with no baselines and scores no test language at all:
the search cannot see a target language even by accident. Each trial folder gets ``trial.json`` (state
complete / pruned / failed, the values tried, the source-dev score after every epoch).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from pathlib import Path
from typing import Any

import optuna

from xlt.errors import ConfigError
from xlt.finetune.config import TrainConfig
from xlt.finetune.train import train
from xlt.io import write_json
from xlt.run_folder import RunInfo
from xlt.tune.pruning import PruningCallback
from xlt.tune.space import SearchSpace, apply_params

log = logging.getLogger("xlt")


def trial_config(base: TrainConfig, params: dict[str, Any], number: int, study_dir: Path) -> TrainConfig:
    """The config trial ``number`` trains: ``base`` with ``params``, in the study folder, without baselines."""
    raw = apply_params(base.model_dump(mode="json"), params)
    raw.update(name=f"trial-{number:04d}", output_dir=str(Path(study_dir) / "trials"))
    raw["evaluation"] = {**raw.get("evaluation", {}), "baselines": [], "matrix": False}
    return TrainConfig.validated(raw, source=f"trial {number}")


def source_dev_score(run_info: RunInfo) -> float:
    """The objective: the dev score of the run's model (the best checkpoint's, or that of the checkpoint average
    where it replaced it), for a run whose dev set held source languages only."""
    dev, sources = set(run_info.dev_languages), set(run_info.source_languages)
    if not dev:
        raise ConfigError("tuning needs a source-language dev set (data.dev, or a pool split with dev > 0)")
    if not dev <= sources:
        raise ConfigError(f"the dev set has non-source languages {sorted(dev - sources)}: "
                          "the tuning objective must be the source-language dev score")
    if run_info.best_dev_score is None:
        raise ConfigError("the trial finished without a dev score (no evaluation ran)")
    if run_info.averaged_used and run_info.averaged_dev_score is not None:
        return float(run_info.averaged_dev_score)
    return float(run_info.best_dev_score)


class Objective:
    """Callable for ``study.optimize``."""

    def __init__(self, base: TrainConfig, space: SearchSpace, study_dir: Path) -> None:
        self.base, self.space, self.study_dir = base, space, Path(study_dir)

    def __call__(self, trial: optuna.Trial) -> float:

        params = self.space.suggest(trial)
        config = trial_config(self.base, params, trial.number, self.study_dir)
        trial.set_user_attr("run_folder", str(config.run_dir))
        trial.set_user_attr("worker", f"{socket.gethostname()}:{os.getpid()}")
        pruning = PruningCallback(trial)
        record: dict[str, Any] = {"trial": trial.number, "params": params, "run_folder": str(config.run_dir)}
        started = time.perf_counter()
        log.info("trial %d: %s", trial.number, params)
        try:
            run = train(config, overwrite=True, callbacks=[pruning], evaluate=False)
            value = source_dev_score(run.run_info)
        except BaseException as err:
            if config.run_dir.is_dir():
                write_json(config.run_dir / "trial.json", {**record, "state": "failed", "error": repr(err),
                                                           "epoch_scores": pruning.reports})
            raise
        record.update(source_dev_score=value, source_languages=run.run_info.source_languages,
                      epoch_scores=pruning.reports, seconds=round(time.perf_counter() - started, 1))
        if pruning.pruned_at is not None:
            write_json(config.run_dir / "trial.json", {**record, "state": "pruned", "pruned_after_epoch":
                                                       pruning.pruned_at})
            raise optuna.TrialPruned(f"trial {trial.number} pruned after epoch {pruning.pruned_at}: "
                                     f"source-dev {pruning.reports[-1][1]:.4f} below the median")
        write_json(config.run_dir / "trial.json", {**record, "state": "complete"})
        return value
