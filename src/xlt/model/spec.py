"""What a model is: where its weights are and how its inputs must be written.

A spec names a built-in model (``builtin:multilingual-e5-small``), a local folder or a hub id.
The input prefix is part of the spec, so training, evaluation, prediction and serving all write
inputs the same way.

>>> ModelSpec(name="builtin:multilingual-e5-small").resolved_prefix()
'query: '
>>> ModelSpec(name="bert-base-multilingual-cased", prefix="").resolution()["prefix"]
('', 'spec')

Prefix and pooling resolve in this order: the spec's own field; xlt's card (``xlt_model.json``, or the
built-in registry); the sentence-transformers files of the model (``config_sentence_transformers.json``,
``modules.json`` + the Pooling module's config, see :mod:`xlt.model.st_config`); else no prefix and mean
pooling, recorded as a default rather than a fact about the model.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from xlt.model.builtin import BUILTIN_PREFIX, builtin_model
from xlt.model.card import ModelCard
from xlt.model.st_config import ST_CONFIG_FILE, ST_MODULES_FILE, read_model_file, st_pooling, st_prefix

DEFAULT_POOLING = "mean"


class ModelSpec(BaseModel):
    """A model by name plus the settings that decide how text is fed to it."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    name: str = BUILTIN_PREFIX + "multilingual-e5-small"
    prefix: str | None = None  # None: the model's own (e5: "query: "), else ""
    max_length: int = Field(128, ge=1)  # tokens per input
    # None: the model's own ("mean" for e5, "cls" for LaBSE), else "mean"
    pooling: Literal["mean", "cls", "last"] | None = None
    revision: str | None = None  # hub branch, tag or commit (every from_pretrained and hub file read)
    trust_remote_code: bool = False  # let from_pretrained run the model repo's own code
    # the weights' dtype in memory (None: transformers' default)
    dtype: Literal["auto", "float32", "float16", "bfloat16", "float64"] | None = None
    _resolved: tuple | None = PrivateAttr(None)  # (the fields it depends on, resolution())

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
        return self.resolution()["prefix"][0]

    def resolved_pooling(self) -> str:
        return self.resolution()["pooling"][0]

    def resolution(self) -> dict[str, tuple[str, str]]:
        """``{"prefix": (value, source), "pooling": (value, source)}``: what feeds and pools the model and
        where that was read (``"spec"``, ``"xlt card"``, ``"xlt built-in registry"``, a sentence-transformers
        file, or ``"default: ..."`` where nothing said). Read once per spec: every batch asks for the prefix."""
        key = (self.name, self.prefix, self.pooling, self.revision)
        if self._resolved is None or self._resolved[0] != key:
            self._resolved = (key, self._resolve())
        return self._resolved[1]

    def _resolve(self) -> dict[str, tuple[str, str]]:
        card_source = "xlt built-in registry" if self.is_builtin else "xlt card"
        card = self.card()
        stated = card.model_fields_set
        found: dict[str, tuple[str, str]] = {}
        if self.prefix is not None:
            found["prefix"] = (self.prefix, "spec")
        elif "prefix" in stated or self.is_builtin:
            found["prefix"] = (card.prefix, card_source)
        if self.pooling:
            found["pooling"] = (self.pooling, "spec")
        elif card.pooling:
            found["pooling"] = (card.pooling, card_source)
        if not self.is_builtin:
            if "prefix" not in found and (st := st_prefix(self.name, self.revision)):
                found["prefix"] = st
            if "pooling" not in found and (st := st_pooling(self.name, self.revision)):
                found["pooling"] = st
        if len(found) < 2:
            why = [] if self.is_builtin else [
                reason for file in (ST_CONFIG_FILE, ST_MODULES_FILE)
                if (reason := read_model_file(self.name, file, self.revision)[1])]
            note = "default: none found" + (f" ({'; '.join(why)})" if why else "")
            found.setdefault("prefix", ("", note))
            found.setdefault("pooling", (DEFAULT_POOLING, note))
        return {"prefix": found["prefix"], "pooling": found["pooling"]}

    def recorded(self) -> dict[str, str]:
        """The resolution as flat run-info keys: ``prefix``, ``prefix_source``, ``pooling``, ``pooling_source``."""
        found = self.resolution()
        return {"prefix": found["prefix"][0], "prefix_source": found["prefix"][1],
                "pooling": found["pooling"][0], "pooling_source": found["pooling"][1]}

    def load_kwargs(self) -> dict:
        """What every ``from_pretrained`` of this model gets: revision, remote code, dtype (set ones only)."""
        kwargs: dict = {}
        if self.revision:
            kwargs["revision"] = self.revision
        if self.trust_remote_code:
            kwargs["trust_remote_code"] = True
        if self.dtype:
            kwargs["dtype"] = self.dtype
        return kwargs

    def apply_prefix(self, texts: list[str]) -> list[str]:
        prefix = self.resolved_prefix()
        return [prefix + t for t in texts] if prefix else list(texts)
