"""The training configuration: one YAML file, every field typed and defaulted.

>>> cfg = TrainConfig.model_validate({"name": "demo", "data": {"pool": {"format": "builtin:emoji-groups"},
...                                    "source_languages": ["en"]}})
>>> cfg.strategy["name"], cfg.training.head_init
('freeze', 'probe')
>>> cfg.with_overrides(["training.learning_rate=5e-5"]).training.learning_rate
5e-05
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xlt.config_file import YamlConfig
from xlt.corpus.config import DataConfig
from xlt.finetune.few_shot import FewShotConfig
from xlt.model.spec import ModelSpec
from xlt.translate.settings import TranslateSettings


class TrainingSettings(BaseModel):
    """Optimisation settings; the defaults are the measured recipe of ``bench/RESULTS.md``."""

    model_config = ConfigDict(extra="forbid")

    epochs: float = 4
    learning_rate: float = 5e-5
    batch_size: int = 32
    gradient_accumulation: int = 1
    warmup: float = 0.1  # fraction of the steps (or a whole number of steps)
    weight_decay: float = 0.01
    dropout: float | None = None  # classifier dropout; None: the encoder's hidden dropout
    label_smoothing: float = 0.0
    seed: int = 0
    head_init: Literal["probe", "random"] = "probe"  # probe: fit the head on frozen features first
    early_stopping_patience: int | None = 2  # epochs without a better source-dev score
    select_on_target: bool = False  # choose the checkpoint on target-language dev data: NOT zero-shot
    # batches of similar length: less padding. HF's sampler yields them in runs of 50, longest to shortest;
    # a seq2seq model trained from scratch then failed to learn even to copy (bench/RESULTS.md, issue 5):
    # set false for that
    length_grouped: bool = True
    eval_batch_size: int = 64
    max_steps: int = -1  # stop after this many steps (tests, quick looks)
    report_to: list[str] = Field(default_factory=list)  # transformers trackers: tensorboard, mlflow (copies)


class EvaluationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    baselines: list[str] | None = None  # None: every baseline the task has
    bootstrap_resamples: int = 1000
    matrix: bool = False  # with several source languages: also one model per source language, and a heatmap
    confidence: float = 0.95


class TrainConfig(YamlConfig):
    """Everything a run needs. ``xlt train CONFIG --set training.epochs=2`` overrides one field."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    name: str
    task: str = "classification"
    task_options: dict[str, Any] = Field(default_factory=dict)  # e.g. tagging: {tag_map: {B-OTH: O, I-OTH: O}}
    model: ModelSpec = Field(default_factory=ModelSpec)
    data: DataConfig
    strategy: dict[str, Any] = Field(default_factory=lambda: {"name": "freeze"})
    training: TrainingSettings = Field(default_factory=TrainingSettings)
    evaluation: EvaluationSettings = Field(default_factory=EvaluationSettings)
    translate: TranslateSettings = Field(default_factory=TranslateSettings)  # translate-test / translate-train
    output_dir: str = "runs"
    few_shot: FewShotConfig | None = None  # after the zero-shot run: learning curves on k target examples

    @model_validator(mode="after")
    def _zero_shot_unless_asked(self) -> TrainConfig:
        sources, dev = self.data.source_languages, self.data.dev_languages
        if dev and sources and set(dev) - set(sources) and not self.training.select_on_target:
            raise ValueError(
                f"data.dev_languages {dev} has languages outside the source languages {sources}: selecting the "
                "checkpoint on target-language data is not zero-shot. Set training.select_on_target=true to do "
                "it knowingly (the report will say so), or drop data.dev_languages.")
        return self
