"""The strategy interface, the registry and helpers to find an encoder's parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError
from torch import nn

from xlt.config_file import describe_validation_error
from xlt.errors import ConfigError


class StrategyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str


class Strategy:
    """Decides which parameters of a task model train. Subclasses set ``config_class``.

    Parameter-efficient strategies set ``saves_delta``: their runs save only :meth:`delta_state`
    (the trained weights) plus a pointer to the base model, and load back through :meth:`build`
    (the same structure without initialising anything from files).
    """

    config_class: ClassVar[type[StrategyConfig]] = StrategyConfig
    saves_delta: ClassVar[bool] = False

    def __init__(self, config: StrategyConfig) -> None:
        self.config = config

    def apply(self, model: nn.Module) -> nn.Module:
        """Prepare ``model`` for training (freeze, wrap); return the model to train."""
        raise NotImplementedError

    def build(self, model: nn.Module) -> nn.Module:
        """The structure of :meth:`apply` for loading saved weights into (default: :meth:`apply`)."""
        return self.apply(model)

    def export(self, model: nn.Module) -> nn.Module:
        """The plain transformers model to save after training (e.g. LoRA merged back)."""
        return model

    def delta_state(self, model: nn.Module) -> dict[str, Any]:
        """The weights a saved run keeps: every trainable parameter (strategies may add frozen parts)."""
        return {n: p.detach().cpu().contiguous() for n, p in model.named_parameters() if p.requires_grad}

    def save_native(self, model: nn.Module, folder: Path) -> None:
        """Write ``model``'s trained weights in its library's own format beside xlt's delta (PEFT's adapter
        files for LoRA); default: nothing, the delta is the only format."""

    def activate_language(self, model: nn.Module, lang: str) -> None:
        """Called before predicting ``lang`` (MAD-X swaps the language adapter here); default: nothing."""

    def merge(self, model: nn.Module) -> nn.Module:
        """A plain model with the trained weights folded in, where the method allows it."""
        raise ConfigError(f"strategy {self.config.name!r} cannot be merged into the base weights")


STRATEGIES: dict[str, type[Strategy]] = {}


def register_strategy(name: str, cls: type[Strategy]) -> type[Strategy]:
    """Make ``strategy: {name: <name>, ...}`` build ``cls`` with its ``config_class``."""
    STRATEGIES[name] = cls
    return cls


def make_strategy(spec: str | dict[str, Any] | StrategyConfig) -> Strategy:
    """Build a strategy from a name, a dict with ``name`` and its settings, or a config."""
    if isinstance(spec, StrategyConfig):
        spec = spec.model_dump()
    if isinstance(spec, str):
        spec = {"name": spec}
    name = spec.get("name")
    if name not in STRATEGIES:
        raise ConfigError(f"unknown strategy {name!r}; known: {', '.join(sorted(STRATEGIES))}")
    cls = STRATEGIES[name]
    try:
        return cls(cls.config_class(**spec))
    except ValidationError as err:
        problems = describe_validation_error(err, spec, prefix=("strategy",)).replace("\n", "; ")
        raise ConfigError(f"strategy {name!r}: {problems}") from err
    except ValueError as err:
        raise ConfigError(f"strategy {name!r}: {err}") from err
