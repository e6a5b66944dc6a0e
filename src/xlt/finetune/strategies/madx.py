"""``madx``: language adapter + task adapter stacking (Pfeiffer et al. 2020, "MAD-X").

Each language has an adapter trained with masked language modelling on unlabelled text of that
language (``xlt pretrain`` with ``language_adapters:`` in its config, or
:func:`xlt.pretrain.language_adapter.train_language_adapter`). The task adapter trains on
the source-language labels with the *source* language adapter frozen underneath it (stack: language
adapter, then task adapter, in every block). At evaluation the language adapter is swapped for the
one of each test language (:meth:`activate_language`); the task adapter and head stay. A test
language without a language adapter is an error, not a silent fallback.

The saved run keeps the task adapter, the head and the language adapters it was given (they are
small), so it evaluates on those languages without the adapter folders. Not mergeable (see ``adapter``).

::

    strategy:
      name: madx
      source_language: eng_Latn
      language_adapters: {eng_Latn: runs/lang-adapters/eng, deu_Latn: runs/lang-adapters/deu}
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator
from torch import nn

from xlt.errors import ConfigError
from xlt.finetune.strategies.base import Strategy, StrategyConfig
from xlt.model.bottleneck_adapter import TASK_ADAPTER, adapter_state, add_adapter, set_active
from xlt.model.parts import encoder_of, freeze
from xlt.pretrain.language_adapter import import_adapter, read_language_adapter
from xlt.pretrain.language_adapter import language_adapter_name as name


class MadxConfig(StrategyConfig):
    name: str = "madx"
    source_language: str  # the language adapter under the task adapter during training
    language_adapters: dict[str, str]  # test language -> folder written by train_language_adapter
    reduction_factor: int = Field(16, ge=1)  # of the task adapter
    activation: Literal["relu", "gelu", "tanh"] = "relu"
    # filled from the adapter folders when training; what a saved run rebuilds its structure from
    language_settings: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _source_has_adapter(self) -> MadxConfig:
        if self.source_language not in self.language_adapters:
            raise ValueError(f"source_language {self.source_language!r} has no entry in language_adapters "
                             f"({sorted(self.language_adapters)})")
        return self


def language_adapter_name(lang: str) -> str:

    return name(lang)


class MadxStrategy(Strategy):
    config_class = MadxConfig
    saves_delta = True

    def _check(self) -> None:
        c = self.config
        if c.source_language not in c.language_adapters:
            raise ConfigError(f"strategy madx: source_language {c.source_language!r} has no entry in "
                              f"language_adapters ({sorted(c.language_adapters)})")

    def _add(self, model: nn.Module, load: bool) -> nn.Module:

        self._check()
        c = self.config
        freeze(encoder_of(model))
        placements = set()
        for lang, folder in c.language_adapters.items():
            if load:
                card, weights = read_language_adapter(folder)
                c.language_settings[lang] = {k: card[k] for k in ("reduction_factor", "activation", "placement")}
                c.language_settings[lang].update(base_model=card.get("base_model"), source=card.get("source"))
            settings = c.language_settings.get(lang)
            if settings is None:
                raise ConfigError(f"strategy madx: no settings for language adapter {lang!r}")
            placements.add(settings["placement"])
            name = language_adapter_name(lang)
            add_adapter(model, name, reduction_factor=settings["reduction_factor"],
                        activation=settings["activation"], placement=settings["placement"])
            if load:
                import_adapter(model, name, weights, source=folder)
        freeze(encoder_of(model))  # language adapters stay as trained by MLM
        if len(placements) != 1:
            raise ConfigError(f"strategy madx: language adapters have different placements {sorted(placements)}")
        add_adapter(model, TASK_ADAPTER, reduction_factor=c.reduction_factor, activation=c.activation,
                    placement=placements.pop())
        self.activate_language(model, c.source_language)
        return model

    def apply(self, model: nn.Module) -> nn.Module:
        return self._add(model, load=True)

    def build(self, model: nn.Module) -> nn.Module:
        return self._add(model, load=False)

    def activate_language(self, model: nn.Module, lang: str) -> None:
        if lang not in self.config.language_adapters:
            raise ConfigError(f"strategy madx: no language adapter for test language {lang!r}; have "
                              f"{sorted(self.config.language_adapters)}. Train one (xlt pretrain with "
                              "language_adapters:) and add it to strategy.language_adapters.")
        set_active(model, [language_adapter_name(lang), TASK_ADAPTER])

    def delta_state(self, model: nn.Module) -> dict[str, Any]:
        state = super().delta_state(model)
        for lang in self.config.language_adapters:
            state.update(adapter_state(model, language_adapter_name(lang)))
        return state

    def merge(self, model: nn.Module) -> nn.Module:
        raise ConfigError("MAD-X adapters cannot be merged into the base weights (non-linear bottlenecks, and "
                          "the language adapter changes per language)")
