"""What a model is: where its weights are and how its inputs must be written.

A spec names a built-in model (``builtin:multilingual-e5-small``), a local folder or a hub id.
The input prefix is part of the spec, so training, evaluation, prediction and serving all write
inputs the same way.

>>> ModelSpec(name="builtin:multilingual-e5-small").resolved_prefix()
'query: '
>>> ModelSpec(name="bert-base-multilingual-cased", prefix="").resolution()["prefix"]
('', 'spec')

Prefix, pooling and input length resolve in this order: the spec's own field; xlt's card (``xlt_model.json``,
or the built-in registry); the sentence-transformers files of the model (``config_sentence_transformers.json``,
``modules.json`` + the Pooling module's config, ``sentence_bert_config.json`` or the tokenizer's length, see
:mod:`xlt.model.st_config`); else no prefix, mean pooling and 128 tokens, recorded as a default rather than a
fact about the model. Whether the prompt's tokens are pooled and the modules after Pooling (Dense, Normalize)
come from the sentence-transformers files alone; they shape sentence vectors, while a classifier reads the
pooled vector.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from xlt.model.builtin import BUILTIN_PREFIX, builtin_model
from xlt.model.card import ModelCard
from xlt.model.st_config import (
    ST_BERT_CONFIG_FILE,
    ST_CONFIG_FILE,
    ST_MODULES_FILE,
    read_model_file,
    st_after_pooling,
    st_include_prompt,
    st_max_length,
    st_pooling,
    st_prefix,
)

DEFAULT_POOLING = "mean"
DEFAULT_MAX_LENGTH = 128
#: what each resolved setting is where nothing states it
DEFAULTS: dict[str, Any] = {"prefix": "", "pooling": DEFAULT_POOLING, "max_length": DEFAULT_MAX_LENGTH,
                            "include_prompt": True, "sentence_modules": ()}
#: the readers of the sentence-transformers files, per setting
ST_READERS = {"prefix": st_prefix, "pooling": st_pooling, "max_length": st_max_length,
              "include_prompt": st_include_prompt, "sentence_modules": st_after_pooling}


class ModelSpec(BaseModel):
    """A model by name plus the settings that decide how text is fed to it."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    name: str = BUILTIN_PREFIX + "multilingual-e5-small"
    prefix: str | None = None  # None: the model's own (e5: "query: "), else ""
    max_length: int | None = Field(None, ge=1)  # tokens per input; None: the model's own, else 128
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

    def resolved_max_length(self) -> int:
        return self.resolution()["max_length"][0]

    def resolution(self) -> dict[str, tuple[Any, str]]:
        """``{setting: (value, source)}`` for ``prefix``, ``pooling``, ``max_length``, ``include_prompt`` (are
        the prompt's tokens pooled) and ``sentence_modules`` (the ``StModule`` s after Pooling applied to
        sentence vectors): what feeds and pools the model and where that was read (``"spec"``, ``"xlt card"``,
        ``"xlt built-in registry"``, a sentence-transformers file, or ``"default: ..."`` where nothing said).
        Read once per spec: every batch asks for the prefix."""
        key = (self.name, self.prefix, self.pooling, self.max_length, self.revision)
        if self._resolved is None or self._resolved[0] != key:
            self._resolved = (key, self._resolve())
        return self._resolved[1]

    def _resolve(self) -> dict[str, tuple[Any, str]]:
        card_source = "xlt built-in registry" if self.is_builtin else "xlt card"
        card = self.card()
        stated = card.model_fields_set
        found: dict[str, tuple[Any, str]] = {}
        if self.prefix is not None:
            found["prefix"] = (self.prefix, "spec")
        elif "prefix" in stated or self.is_builtin:
            found["prefix"] = (card.prefix, card_source)
        if self.pooling:
            found["pooling"] = (self.pooling, "spec")
        elif card.pooling:
            found["pooling"] = (card.pooling, card_source)
        if self.max_length is not None:
            found["max_length"] = (self.max_length, "spec")
        elif "max_length" in stated:
            found["max_length"] = (card.max_length, card_source)
        if not self.is_builtin:
            for setting, read in ST_READERS.items():
                if setting not in found and (st := read(self.name, self.revision)):
                    found[setting] = st
        if len(found) < len(DEFAULTS):
            why = [] if self.is_builtin else [
                reason for file in (ST_CONFIG_FILE, ST_MODULES_FILE, ST_BERT_CONFIG_FILE)
                if (reason := read_model_file(self.name, file, self.revision)[1])]
            note = "default: none found" + (f" ({'; '.join(why)})" if why else "")
            for setting, value in DEFAULTS.items():
                found.setdefault(setting, (value, note))
        return {setting: found[setting] for setting in DEFAULTS}

    def recorded(self) -> dict[str, Any]:
        """The resolution of what feeds every task as flat run-info keys: ``prefix``, ``prefix_source``,
        ``pooling``, ``pooling_source``, ``max_length``, ``max_length_source`` (the sentence-vector settings
        are the retrieval result's)."""
        found = self.resolution()
        return {flat: value for setting in ("prefix", "pooling", "max_length")
                for flat, value in ((setting, found[setting][0]), (f"{setting}_source", found[setting][1]))}

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
