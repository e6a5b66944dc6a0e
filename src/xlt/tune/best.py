"""The best trial's values written out as a plain training config that ``xlt train`` takes as it is."""

from __future__ import annotations

from pathlib import Path

import optuna

from xlt.finetune.config import TrainConfig
from xlt.io import write_text
from xlt.tune.space import apply_params


def best_config(base: TrainConfig, study: optuna.Study, name: str | None = None) -> TrainConfig:
    """``base`` with the best trial's values (the search part removed), named ``<base>-best``."""
    raw = apply_params(base.model_dump(mode="json"), study.best_trial.params)
    raw["name"] = name or f"{base.name}-best"
    return TrainConfig.validated(raw, source=f"study {study.study_name}, best trial")


def write_best_config(config: TrainConfig, study: optuna.Study, path: Path) -> Path:
    best = study.best_trial
    header = (f"# Best of study {study.study_name!r}: trial {best.number}, source-dev score {best.value:.4f}\n"
              f"# values: {best.params}\n#   xlt train {path}\n")
    write_text(path, header + config.to_yaml())
    return path
