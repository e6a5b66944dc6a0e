"""The search space: the ``search:`` section of a tune config, one entry per config field.

::

    search:
      training.learning_rate: {type: float, low: 1.0e-5, high: 1.0e-4, log: true}
      training.warmup: {type: float, low: 0.0, high: 0.2}
      training.epochs: {type: int, low: 1, high: 3}
      training.batch_size: {type: categorical, choices: [16, 32]}
      strategy.layers: {type: int, low: 0, high: 6}

Keys are dotted paths into the training config (as for ``--set``); values come from Optuna's
``suggest_float`` / ``suggest_int`` / ``suggest_categorical``. The data, the evaluation, the run's name
and ``training.select_on_target`` cannot be searched: the objective must stay the source-language dev score.

>>> space = SearchSpace.parse({"training.epochs": {"type": "int", "low": 1, "high": 3}})
>>> apply_params({"training": {"epochs": 4}}, {"training.epochs": 2})
{'training': {'epochs': 2}}
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from xlt.errors import ConfigError

# What a search must never change: the data and evaluation (the objective would stop being the
# source-language dev score of this task) and the run's identity.
FORBIDDEN = ("data", "evaluation", "name", "output_dir", "training.select_on_target")


class Param(BaseModel):
    """One searched field."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["float", "int", "categorical"]
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None
    choices: list[Any] | None = None

    @model_validator(mode="after")
    def _complete(self) -> Param:
        if self.type == "categorical":
            if not self.choices:
                raise ValueError("a categorical parameter needs a non-empty 'choices' list")
        elif self.low is None or self.high is None or self.low > self.high:
            raise ValueError(f"a {self.type} parameter needs low <= high, got low={self.low}, high={self.high}")
        return self

    def suggest(self, trial, name: str) -> Any:
        if self.type == "categorical":
            return trial.suggest_categorical(name, self.choices)
        if self.type == "int":
            return trial.suggest_int(name, int(self.low), int(self.high), step=int(self.step or 1), log=self.log)
        return trial.suggest_float(name, self.low, self.high, step=self.step, log=self.log)

    def example(self) -> Any:
        """A value inside the range (to check the key against the config before any trial runs)."""
        if self.type == "categorical":
            return self.choices[0]
        return int(self.low) if self.type == "int" else self.low


class SearchSpace(BaseModel):
    params: dict[str, Param]

    @classmethod
    def parse(cls, raw: Any, source: str = "config") -> SearchSpace:
        if not isinstance(raw, dict) or not raw:
            raise ConfigError(f"{source}: 'search' must map config fields to ranges, e.g. "
                              "training.learning_rate: {type: float, low: 1.0e-5, high: 1.0e-4, log: true}")
        params = {}
        for key, spec in raw.items():
            if any(key == f or key.startswith(f + ".") for f in FORBIDDEN):
                raise ConfigError(f"{source}: search.{key}: this field cannot be searched (the objective must "
                                  "stay the source-language dev score of the same data)")
            try:
                params[key] = Param.model_validate(spec)
            except ValidationError as err:
                msgs = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in err.errors())
                raise ConfigError(f"{source}: search.{key}: {msgs}") from err
        return cls(params=params)

    def suggest(self, trial) -> dict[str, Any]:
        """Ask the trial for one value per searched field."""
        return {key: param.suggest(trial, key) for key, param in self.params.items()}

    def check(self, base_raw: dict[str, Any], validate, source: str = "config") -> None:
        """Fail before any trial if a searched key is not a field of the config (``validate`` raises)."""
        for key, param in self.params.items():
            try:
                validate(apply_params(base_raw, {key: param.example()}))
            except ConfigError as err:
                raise ConfigError(f"{source}: search.{key}: {param.example()!r} does not fit the config: {err}") \
                    from err


def apply_params(raw: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with each dotted key set to its value."""
    out = copy.deepcopy(raw)
    for key, value in params.items():
        node = out
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"search.{key}: {part!r} is not a section of the config")
        node[leaf] = value
    return out
