"""What a model is: where its weights are and how its inputs must be written.

A spec names a built-in model (``builtin:multilingual-e5-small``), a local folder or a hub id.
The input prefix is part of the spec, so training, evaluation, prediction and serving all write
inputs the same way.

>>> ModelSpec(name="builtin:multilingual-e5-small").resolved_prefix()
'query: '
>>> ModelSpec(name="bert-base-multilingual-cased").resolved_prefix()
''
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from xlt.model.builtin import BUILTIN_PREFIX, builtin_model
from xlt.model.card import ModelCard


class ModelSpec(BaseModel):
    """A model by name plus the settings that decide how text is fed to it."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    name: str = BUILTIN_PREFIX + "multilingual-e5-small"
    prefix: str | None = None  # None: the model's own (e5: "query: "), else ""
    max_length: int = Field(128, ge=1)  # tokens per input
    pooling: str | None = None  # None: the model's own ("mean" for e5), else "mean"

    @property
    def is_builtin(self) -> bool:
        return self.name.startswith(BUILTIN_PREFIX)

    def card(self) -> ModelCard:
        """The xlt model card: for built-ins from the registry, for folders from ``xlt_model.json``
        (an empty card where there is none)."""
        if self.is_builtin:
            model = builtin_model(self.name)
            return ModelCard(prefix=model.prefix, pooling=model.pooling)
        return ModelCard.read(self.name) or ModelCard()

    def resolved_prefix(self) -> str:
        return self.prefix if self.prefix is not None else self.card().prefix

    def resolved_pooling(self) -> str:
        return self.pooling or self.card().pooling or "mean"

    def apply_prefix(self, texts: list[str]) -> list[str]:
        prefix = self.resolved_prefix()
        return [prefix + t for t in texts] if prefix else list(texts)
