"""A model folder loaded for prediction: the model, its tokenizer and how its inputs must be written."""

from __future__ import annotations

from dataclasses import dataclass, field

from xlt.model.card import ModelCard
from xlt.model.spec import ModelSpec

#: the task of a model folder whose card names none (a stock transformers sequence classifier)
DEFAULT_TASK = "classification"


@dataclass
class SavedModel:
    model: object
    tokenizer: object
    spec: ModelSpec
    card: ModelCard = field(default_factory=ModelCard)
    strategy: object = None  # parameter-efficient runs: the strategy (MAD-X swaps language adapters)

    @property
    def task(self) -> str:
        """The task name the card records (a folder without one: a classifier)."""
        return self.card.task or DEFAULT_TASK

    @property
    def source_languages(self) -> list[str]:
        return self.card.source_languages

    @property
    def task_options(self) -> dict:
        return self.card.task_options

    def activate_language(self, lang: str) -> None:
        """Prepare the model for inputs in ``lang`` (a no-op except for per-language adapters)."""
        if self.strategy is not None:
            self.strategy.activate_language(self.model, lang)


def spec_of(name: str, card: ModelCard) -> ModelSpec:
    """The spec that feeds a saved model's inputs as its card says."""
    return ModelSpec(name=name, prefix=card.prefix, max_length=card.max_length, pooling=card.pooling)
