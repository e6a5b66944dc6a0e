"""xlt: carry a task learned in one language to many others.

The package follows the five steps of cross-lingual transfer:

- :mod:`xlt.corpus`   read, check and split multilingual data
- :mod:`xlt.model`    load any HF encoder, or the built-in multilingual-e5-small
- :mod:`xlt.pretrain` continued multilingual pretraining, alignment, language adapters
- :mod:`xlt.finetune` tasks, transfer strategies and training
- :mod:`xlt.evaluate` the language matrix, baselines, metrics and report; :mod:`xlt.deploy` export and serving

A run is one config (a YAML file for ``xlt train``, or the same fields as a dict) and one call: train on
the source language, score every language beside the baselines, write ``runs/<name>/`` (``report.html``,
``metrics.json``, the saved model). The public API is ``xlt.TrainConfig``, ``xlt.train`` and
``xlt.evaluate_model`` (``xlt.evaluate`` is the step-5 package), and ``xlt.load(path)``, a
:class:`~xlt.deploy.predictor.Predictor` for any task's model; they load on first use, so ``import xlt``
stays light:

>>> import xlt
>>> config = xlt.TrainConfig.model_validate({"name": "emoji", "data": {"pool": {"format": "builtin:emoji-groups"},
...                                                                   "source_languages": ["en"]}})
>>> config.model.name, config.strategy["name"], config.run_dir
('builtin:multilingual-e5-small', 'freeze', PosixPath('runs/emoji'))
>>> xlt.train(config).results["systems"]["xlt"]["target_mean"]  # the demo's run: minutes  # doctest: +SKIP
0.67...
>>> xlt.evaluate_model("runs/emoji", "builtin:emoji-groups", languages=["ja"])  # doctest: +SKIP
>>> xlt.load("runs/emoji").predict(["I love this"])  # doctest: +SKIP
[Classified(label='love', score=0.93, scores={...})]
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name -> (module, attribute), imported on first use
_API = {
    "TrainConfig": ("xlt.finetune.config", "TrainConfig"),
    "train": ("xlt.finetune.train", "train"),
    "evaluate_model": ("xlt.finetune.evaluate_saved", "evaluate_saved"),
    "load": ("xlt.deploy.predictor", "load"),
    "Predictor": ("xlt.deploy.predictor", "Predictor"),
}
__all__ = [*_API, "__version__"]


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'xlt' has no attribute {name!r}")
    module, attribute = _API[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
