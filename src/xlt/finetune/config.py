"""The training configuration: one YAML file, every field typed and defaulted.

>>> cfg = TrainConfig.model_validate({"name": "demo", "data": {"pool": {"format": "builtin:emoji-groups"},
...                                    "source_languages": ["en"]}})
>>> cfg.strategy["name"], cfg.training.head_init
('freeze', 'probe')
>>> cfg.with_overrides(["training.learning_rate=5e-5"]).training.learning_rate
5e-05
"""

from __future__ import annotations

import inspect
import math
import typing
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from xlt.config_file import Warmup, YamlConfig, field_error
from xlt.corpus.config import DataConfig
from xlt.errors import ConfigError
from xlt.finetune.strategies import STRATEGIES
from xlt.finetune.tasks import TASKS, get_task
from xlt.model.spec import ModelSpec
from xlt.translate.settings import TranslateSettings

DEFAULT_STRATEGY = "freeze"


class FewShotConfig(BaseModel):
    """The ``few_shot:`` section of a train config."""

    model_config = ConfigDict(extra="forbid")

    languages: list[str] = Field(min_length=1)
    k: list[NonNegativeInt] = Field(default_factory=lambda: [0, 8, 32, 128], min_length=1)  # 0: zero-shot
    seeds: int = Field(3, ge=1)  # seeds 0 .. seeds-1 per k > 0
    epochs: float = Field(3, gt=0)  # over the k-shot set
    min_steps: int = Field(10, ge=0)  # small k: at least this many updates
    learning_rate: float | None = Field(None, gt=0, lt=1)  # None: the run's training.learning_rate
    batch_size: int = Field(16, ge=1)
    confidence: float = Field(0.95, gt=0, lt=1)  # of the t-interval over seeds
    test_limit: int | None = Field(None, ge=1)  # score on a fixed random sample of this many test rows per language


class TrainingSettings(BaseModel):
    """Optimisation settings; the defaults are the measured recipe of ``bench/RESULTS.md``."""

    model_config = ConfigDict(extra="forbid")

    epochs: float = Field(4, gt=0)
    learning_rate: float = Field(5e-5, gt=0, lt=1)
    batch_size: int = Field(32, ge=1)
    gradient_accumulation: int = Field(1, ge=1)
    warmup: Warmup = 0.1
    weight_decay: float = Field(0.01, ge=0)
    dropout: float | None = Field(None, ge=0, lt=1)  # classifier dropout; None: the encoder's hidden dropout
    label_smoothing: float = Field(0.0, ge=0, lt=1)
    seed: int = Field(0, ge=0)  # numpy's generators take no negative seed
    # models trained, one per seed: seed, seed + 1, ...; more than 1: a run folder per seed under the run's
    # folder, and the mean and spread over seeds beside the bootstrap intervals (xlt.finetune.seeds)
    seeds: int = Field(1, ge=1)
    head_init: Literal["probe", "random"] = "probe"  # probe: fit the head on frozen features first
    early_stopping_patience: int | None = Field(2, ge=1)  # epochs without a better source-dev score; None: off
    select_on_target: bool = False  # choose the checkpoint on target-language dev data: NOT zero-shot
    # batches of similar length: less padding; HF's sampler yields them in runs, longest to shortest, which a
    # seq2seq model trained from scratch could not learn from (bench/RESULTS.md): set false for that
    length_grouped: bool = True
    eval_batch_size: int = Field(64, ge=1)
    max_steps: int = Field(-1, ge=-1)  # stop after this many steps (tests, quick looks); -1: train by epochs
    report_to: list[str] = Field(default_factory=list)  # transformers trackers: tensorboard, mlflow (copies)
    # K >= 2: after training, the mean of the trainable weights at the last K epoch ends
    # (xlt.finetune.checkpoint_average); 0: off, the best checkpoint is the model
    average_checkpoints: int = 0
    # dev: the average replaces the best checkpoint only if its dev score is at least the best's; always: it does
    average_select: Literal["dev", "always"] = "dev"
    # also score the weights averaging did not keep (the average or the best checkpoint) on every test language,
    # into <run>/not-kept/: what averaging changes on the targets, for a second prediction pass
    average_score_both: bool = False

    @field_validator("max_steps")
    @classmethod
    def _steps_or_off(cls, value: int) -> int:
        if value == 0:
            raise ValueError("-1 (train for training.epochs) or a number of steps of 1 or more, not 0")
        return value

    @field_validator("average_checkpoints")
    @classmethod
    def _off_or_several(cls, value: int) -> int:
        if value < 0 or value == 1:
            why = " (the weights of one epoch end are no average)" if value == 1 else ""
            raise ValueError(f"0 (off) or the number of last epoch ends whose weights to average, 2 or more; "
                             f"got {value}{why}")
        return value

    @model_validator(mode="after")
    def _enough_epochs_to_average(self) -> TrainingSettings:
        epoch_ends = math.ceil(self.epochs)  # a last, partial epoch ends too
        if self.max_steps == -1 and self.average_checkpoints > epoch_ends:
            raise field_error("TrainingSettings", ("average_checkpoints",),
                              f"{self.average_checkpoints} epoch ends to average, but training.epochs="
                              f"{self.epochs:g} has {epoch_ends}: average at most {epoch_ends}, or train longer",
                              self.average_checkpoints)
        if self.average_score_both and not self.average_checkpoints:
            raise field_error("TrainingSettings", ("average_score_both",),
                              "scores the weights checkpoint averaging did not keep, and training.average_checkpoints "
                              "is 0 (off): set it to 2 or more", self.average_score_both)
        return self


class EvaluationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    baselines: list[str] | None = None  # None: every baseline the task has
    bootstrap_resamples: int = Field(1000, ge=1)  # the bootstrap needs at least one resample
    matrix: bool = False  # with several source languages: also one model per source language, and a heatmap
    confidence: float = Field(0.95, gt=0, lt=1)  # of the bootstrap intervals


class TrainConfig(YamlConfig):
    """Everything a run needs. ``xlt train CONFIG --set training.epochs=2`` overrides one field."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    resume_may_change: ClassVar[tuple[str, ...]] = (
        "training.epochs", "training.max_steps", "training.seeds", "training.eval_batch_size", "training.report_to",
        "evaluation", "few_shot")

    name: str
    task: str = "classification"
    task_options: dict[str, Any] = Field(default_factory=dict)  # e.g. tagging: {tag_map: {B-OTH: O, I-OTH: O}}
    model: ModelSpec = Field(default_factory=ModelSpec)
    data: DataConfig
    strategy: dict[str, Any] = Field(default_factory=lambda: {"name": DEFAULT_STRATEGY})
    training: TrainingSettings = Field(default_factory=TrainingSettings)
    evaluation: EvaluationSettings = Field(default_factory=EvaluationSettings)
    translate: TranslateSettings = Field(default_factory=TranslateSettings)  # translate-test / translate-train
    output_dir: str = "runs"
    few_shot: FewShotConfig | None = None  # after the zero-shot run: learning curves on k target examples
    license: str | None = None  # the model card's license (a Hub license id, e.g. mit); none: the card omits it

    @field_validator("task")
    @classmethod
    def _known_task(cls, name: str) -> str:
        if name not in TASKS:
            raise ValueError(f"unknown task {name!r}; known: {', '.join(sorted(TASKS))}")
        return name

    @field_validator("task_options")
    @classmethod
    def _task_takes_options(cls, options: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        """The options are the task's: names and types from its constructor, values by building it."""
        name = info.data.get("task")
        if name not in TASKS:  # already reported under task
            return options
        _task_options_model(name).model_validate(options)  # errors come out as task_options.<option>
        try:
            get_task(name, options)
        except ConfigError as err:
            raise ValueError(str(err)) from None
        return options

    @field_validator("strategy")
    @classmethod
    def _strategy_config(cls, spec: dict[str, Any]) -> dict[str, Any]:
        """Checked against the strategy's own config class and kept as given, with the default name where
        none is given (``--set strategy.layers=2`` on a config without ``strategy:``)."""
        if "name" not in spec:
            spec = {"name": DEFAULT_STRATEGY, **spec}
        name = spec.get("name")
        if name not in STRATEGIES:
            raise field_error("strategy", ("name",), f"unknown strategy {name!r}; known: "
                              f"{', '.join(sorted(STRATEGIES))}", name)
        STRATEGIES[name].config_class.model_validate(spec)  # errors come out as strategy.<field>
        return spec

    @model_validator(mode="after")
    def _data_fits_the_task(self) -> TrainConfig:
        wanted = TASKS[self.task].layout
        if self.data.layout != wanted:
            raise ValueError(f"task {self.task!r} reads {wanted} tables, but the data specs give {self.data.layout} "
                             f"tables; set task: to the task of the data, or give {wanted} data")
        return self

    @model_validator(mode="after")
    def _task_takes_the_training(self) -> TrainConfig:
        try:
            get_task(self.task, self.task_options).check_training(self.training)
        except ConfigError as err:
            raise ValueError(str(err)) from None
        return self

    @model_validator(mode="after")
    def _task_has_the_baselines(self) -> TrainConfig:
        known = TASKS[self.task].baselines
        unknown = [name for name in self.evaluation.baselines or [] if name not in known]
        if unknown:
            raise field_error("TrainConfig", ("evaluation", "baselines"),
                              f"task {self.task!r} has no baseline {', '.join(map(repr, unknown))}; "
                              f"its baselines: {', '.join(known) or 'none'}", self.evaluation.baselines)
        return self

    @model_validator(mode="after")
    def _averaging_has_a_dev_set(self) -> TrainConfig:
        data, t = self.data, self.training
        if t.average_checkpoints and t.average_select == "dev" and data.dev is None and data.split.dev == 0:
            raise field_error("TrainConfig", ("training", "average_select"),
                              "dev compares the averaged weights with the best checkpoint on the dev set, and "
                              "data.split.dev=0 leaves none: give a dev set (data.dev, or data.split.dev > 0), or "
                              "set training.average_select: always to use the average unscored",
                              t.average_select)
        return self

    @model_validator(mode="after")
    def _zero_shot_unless_asked(self) -> TrainConfig:
        sources, dev = self.data.source_languages, self.data.dev_languages
        if dev and sources and set(dev) - set(sources) and not self.training.select_on_target:
            raise ValueError(
                f"data.dev_languages {dev} has languages outside the source languages {sources}: selecting the "
                "checkpoint on target-language data is not zero-shot. Set training.select_on_target=true to do "
                "it knowingly (the report will say so), or drop data.dev_languages.")
        return self


_TASK_OPTIONS: dict[type, type[BaseModel]] = {}


def _task_options_model(name: str) -> type[BaseModel]:
    """A pydantic model of the keyword arguments of task ``name``'s constructor (what ``task_options`` holds):
    unknown options and values of the wrong type fail with the option's name."""
    task = TASKS[name]
    if task not in _TASK_OPTIONS:
        try:
            hints = typing.get_type_hints(task.__init__)  # from __future__ annotations: strings
        except (NameError, TypeError):  # an annotation that does not resolve: check the names only
            hints = {}
        init = task.__init__
        params = [] if init is object.__init__ else list(inspect.signature(init).parameters.values())
        fields: dict[str, Any] = {
            p.name: (hints.get(p.name, Any), ... if p.default is inspect.Parameter.empty else p.default)
            for p in params[1:] if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        extra = "allow" if any(p.kind is p.VAR_KEYWORD for p in params[1:]) else "forbid"
        _TASK_OPTIONS[task] = create_model(f"{name}_task_options", __config__=ConfigDict(extra=extra), **fields)
    return _TASK_OPTIONS[task]
