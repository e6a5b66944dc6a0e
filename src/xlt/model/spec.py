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

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from xlt.model.builtin import BUILTIN_PREFIX, MODEL_CARD_FILE, builtin_model


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

    def card(self) -> dict:
        """The xlt model card: for built-ins from the registry, for folders from ``xlt_model.json``."""
        if self.is_builtin:
            model = builtin_model(self.name)
            return {"prefix": model.prefix, "pooling": model.pooling}
        card_file = Path(self.name) / MODEL_CARD_FILE
        return json.loads(card_file.read_text("utf-8")) if card_file.is_file() else {}

    def resolved_prefix(self) -> str:
        return self.prefix if self.prefix is not None else self.card().get("prefix", "")

    def resolved_pooling(self) -> str:
        return self.pooling or self.card().get("pooling", "mean")

    def apply_prefix(self, texts: list[str]) -> list[str]:
        prefix = self.resolved_prefix()
        return [prefix + t for t in texts] if prefix else list(texts)
