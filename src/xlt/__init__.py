"""xlt: carry a task learned in one language to many others.

The package follows the five steps of cross-lingual transfer:

- :mod:`xlt.corpus`   read, check and split multilingual data
- :mod:`xlt.model`    load any HF encoder, or the built-in multilingual-e5-small
- :mod:`xlt.finetune` tasks, transfer strategies and training
- :mod:`xlt.evaluate` the language matrix, baselines, metrics and report

Example::

    import xlt
    run = xlt.train(xlt.TrainConfig.from_yaml("examples/sib200.yaml"))
"""

__version__ = "0.1.0"
