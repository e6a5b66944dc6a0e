"""xlt: carry a task learned in one language to many others.

The package follows the five steps of cross-lingual transfer:

- :mod:`xlt.corpus`   read, check and split multilingual data
- :mod:`xlt.model`    load any HF encoder, or the built-in multilingual-e5-small
- :mod:`xlt.finetune` tasks, transfer strategies and training
- :mod:`xlt.evaluate` the language matrix, baselines, metrics and report

A run is one config (a YAML file for ``xlt train``, or the same fields as a dict) and one call: train on
the source language, score every language beside the baselines, write ``runs/<name>/`` (``report.html``,
``metrics.json``, the saved model):

>>> from xlt.finetune.config import TrainConfig
>>> from xlt.finetune.train import train
>>> config = TrainConfig.model_validate({"name": "emoji", "data": {"pool": {"format": "builtin:emoji-groups"},
...                                                               "source_languages": ["en"]}})
>>> config.model.name, config.strategy["name"], config.run_dir
('builtin:multilingual-e5-small', 'freeze', PosixPath('runs/emoji'))
>>> train(config).results["systems"]["xlt"]["target_mean"]  # the demo's run: minutes  # doctest: +SKIP
0.67...
"""

__version__ = "0.1.0"
