"""Hyper-parameter search with Optuna on the source-language dev score.

``xlt tune CONFIG --trials N``: :func:`~xlt.tune.run.tune` over the ``search:`` section of a config
(:mod:`xlt.tune.space`), trials through :func:`xlt.finetune.train.train` with a pruning callback
(:mod:`xlt.tune.pruning`), storage in SQLite or any SQLAlchemy URL (:mod:`xlt.tune.storage`).
"""

from xlt.tune.run import TuneResult, tune
from xlt.tune.settings import TuneConfig, TuneSettings, load_tune_config

__all__ = ["TuneConfig", "TuneResult", "TuneSettings", "load_tune_config", "tune"]
