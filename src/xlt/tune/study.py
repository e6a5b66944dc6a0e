"""Create or join an Optuna study: TPE sampler with a seed, a median or Hyperband pruner, maximise.

>>> s = open_study("doc", "sqlite:///:memory:", TuneSettings(), max_epochs=3)
>>> type(s.sampler).__name__, type(s.pruner).__name__, s.direction.name
('TPESampler', 'MedianPruner', 'MAXIMIZE')
"""

from __future__ import annotations

import optuna

from xlt.tune.settings import TuneSettings
from xlt.tune.storage import open_storage


def make_pruner(settings: TuneSettings, max_epochs: int) -> optuna.pruners.BasePruner:
    if settings.pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=settings.startup_trials,
                                           n_warmup_steps=settings.warmup_epochs)
    if settings.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=max(1, max_epochs), reduction_factor=3)
    return optuna.pruners.NopPruner()


def open_study(name: str, storage_url: str, settings: TuneSettings, *, max_epochs: int) -> optuna.Study:
    """The study ``name`` in ``storage_url``, created on first use and joined by later workers."""
    sampler = optuna.samplers.TPESampler(seed=settings.seed, n_startup_trials=settings.startup_trials)
    return optuna.create_study(
        study_name=name, storage=open_storage(storage_url), sampler=sampler,
        pruner=make_pruner(settings, max_epochs), direction="maximize", load_if_exists=True,
    )
