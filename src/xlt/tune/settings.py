"""The ``tune:`` section of a tune config (how to search), and loading a tune config file.

A tune config is a training config (what ``xlt train`` takes) plus ``search:`` (see :mod:`xlt.tune.space`)
and an optional ``tune:``::

    tune:
      pruner: median        # median | hyperband | none: stop trials whose source-dev score lags
      seed: 0               # TPE sampler seed; give each worker of a shared study its own (--seed)
      startup_trials: 5     # random trials before TPE models the space; the median pruner waits as long
      warmup_epochs: 1      # the median pruner never stops a trial before this many epochs
      final: true           # after the search: train the best and the default config, score every target
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xlt.config_file import apply_overrides, describe_validation_error, read_yaml, yaml_key_lines
from xlt.errors import ConfigError
from xlt.finetune.config import TrainConfig
from xlt.tune.space import SearchSpace


class TuneSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pruner: Literal["median", "hyperband", "none"] = "median"
    seed: int = Field(0, ge=0)  # numpy's generators take no negative seed
    startup_trials: int = Field(5, ge=0)
    warmup_epochs: int = Field(1, ge=0)
    final: bool = True


class TuneConfig(BaseModel):
    """The base training config, the search space and the search settings of one study."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    base: TrainConfig
    space: SearchSpace
    settings: TuneSettings


def load_tune_config(path: str | Path, overrides: list[str] | None = None) -> TuneConfig:
    """Read a tune config; ``overrides`` (``--set``) apply to the training part.

    The base config must select checkpoints on source-language dev data: a tuning objective computed
    on target languages would make every reported target score optimistic.
    """
    path = Path(path)
    raw = read_yaml(path)
    lines = yaml_key_lines(path)
    if "search" not in raw:
        raise ConfigError(f"{path}: a tune config needs a 'search:' section (see examples/tune_emoji_groups.yaml)")
    space = SearchSpace.parse(raw.pop("search"), source=str(path))
    tune = raw.pop("tune", None) or {}
    try:
        settings = TuneSettings.model_validate(tune)
    except ValidationError as err:
        raise ConfigError(describe_validation_error(err, tune, source=str(path), prefix=("tune",), lines=lines)
                          ) from err
    raw = apply_overrides(raw, overrides or [])
    base = TrainConfig.validated(raw, source=str(path), lines=lines, overrides=overrides or ())
    if base.training.select_on_target:
        raise ConfigError(f"{path}: training.select_on_target=true: tuning must select on source-language dev "
                          "data only (the target scores of the best trial would be optimistic)")
    space.check(base.model_dump(mode="json"), lambda r: TrainConfig.validated(r, source=str(path)), str(path))
    return TuneConfig(base=base, space=space, settings=settings)

