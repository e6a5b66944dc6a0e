"""The transfer risk of a training config's data, without training (``xlt risk --config``, bench/transfer_risk.py).

The same numbers ``xlt train`` writes to ``transfer_risk.json`` for that config: the config's tokenizer, its
task's ``risk_texts``, a sample of its train split as the source and of each test language, with its seed.
Translate-train rows are not made here: the source is the training data as the config names it.
"""

from __future__ import annotations

from xlt.errors import ConfigError
from xlt.evaluate.run_evaluation import split_by_language
from xlt.evaluate.transfer_risk import (
    DEFAULT_SAMPLE,
    TransferRisk,
    risk_texts_by_language,
    sampled_risk_texts,
    transfer_risk,
)
from xlt.finetune.config import TrainConfig
from xlt.finetune.tasks import get_task
from xlt.model.loader import load_tokenizer
from xlt.model.spec import ModelSpec


def config_risk(config: TrainConfig, *, model: str | None = None, sample: int = DEFAULT_SAMPLE,
                seed: int | None = None) -> TransferRisk:
    """Every test language's :class:`~xlt.evaluate.transfer_risk.TransferRisk` against the train split.

    ``model`` (a model name) replaces the config's model for the tokenizer; ``seed`` defaults to
    ``training.seed``, as in a run.
    """
    task = get_task(config.task, config.task_options)
    seed = config.training.seed if seed is None else seed
    data = config.data.load()
    train, test = data["train"], data["test"]
    source = sampled_risk_texts(task, train, sample, seed)
    if source is None:
        raise ConfigError(f"task {config.task!r} has no transfer risk: its inputs are the same language in every "
                          "direction")
    source_languages = sorted(set(train["lang"]))
    targets = risk_texts_by_language(task, split_by_language(test, source_languages), sample, seed)
    spec = config.model if model is None else ModelSpec(name=model)
    return transfer_risk(load_tokenizer(spec), source, targets, source_languages=source_languages, sample=sample,
                         seed=seed, tokenizer_name=spec.name)
