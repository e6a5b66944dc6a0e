"""``xlt_model.json``: what a model folder needs beside its weights to be fed and read the same way everywhere.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = ModelCard(prefix="query: ", pooling="mean", task="classification", source_languages=["en"]).write(folder)
>>> ModelCard.read(folder).prefix, ModelCard.read(folder).max_length
('query: ', 128)
>>> ModelCard.read(Path(tempfile.mkdtemp())) is None
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xlt.errors import ModelError
from xlt.io import write_json

MODEL_CARD_FILE = "xlt_model.json"


class ModelCard(BaseModel):
    """Prefix, pooling and length of the inputs; for task models also the task and where it was trained.

    Extra keys are kept (pretraining writes what it did, vocabulary extension what it added).
    """

    model_config = ConfigDict(extra="allow")

    base_model: str | None = None
    prefix: str = ""
    pooling: str | None = None
    max_length: int = Field(128, ge=1)
    task: str | None = None  # None: a plain encoder (built-in, pretrained, extended vocabulary)
    task_options: dict[str, Any] = Field(default_factory=dict)
    source_languages: list[str] = Field(default_factory=list)
    delta: bool = False  # only the trained weights; the base model is read from ``base_model``

    @classmethod
    def read(cls, folder: str | Path) -> ModelCard | None:
        """The card of ``folder``, ``None`` where it has none; a broken card raises an error naming it."""
        path = Path(folder) / MODEL_CARD_FILE
        if not path.is_file():
            return None
        try:
            return cls.model_validate_json(path.read_text("utf-8"))
        except (ValidationError, UnicodeDecodeError) as err:
            raise ModelError(f"{path}: not a valid xlt model card: {err}") from None

    def write(self, folder: str | Path) -> Path:
        path = Path(folder) / MODEL_CARD_FILE
        write_json(path, self.model_dump(mode="json", exclude_none=True))
        return path

    @classmethod
    def for_spec(cls, spec, **fields: Any) -> ModelCard:
        """A card that feeds inputs as ``spec`` (a :class:`~xlt.model.spec.ModelSpec`) does."""
        return cls(base_model=spec.name, prefix=spec.resolved_prefix(), pooling=spec.resolved_pooling(),
                   max_length=spec.resolved_max_length(), **fields)
