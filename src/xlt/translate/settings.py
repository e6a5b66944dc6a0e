"""The ``translate:`` section of a training config: translate-test and translate-train beside zero-shot.

>>> s = TranslateSettings(test={"spa_Latn": "apertium:spa-eng"}, train={"spa_Latn": "apertium:eng-spa"})
>>> s.enabled
True
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from xlt.config_file import field_error
from xlt.translate import check_translator_name
from xlt.translate.base import TranslationError

TranslatorSpec = str | dict[str, Any]  # "apertium:eng-spa" or {"name": "hf:DIR", "src_lang": ..., "device": "cuda"}


class TranslateSettings(BaseModel):
    """Which translator serves which target language, per mode (only one source language)."""

    model_config = ConfigDict(extra="forbid")

    #: translate-test: target language -> translator from that language INTO the source language
    test: dict[str, TranslatorSpec] = Field(default_factory=dict)
    #: translate-train: target language -> translator from the source language INTO that language
    train: dict[str, TranslatorSpec] = Field(default_factory=dict)
    cache: str | None = None  # SQLite file; None: $XLT_HOME/translations.sqlite
    batch_size: int | None = Field(None, ge=1)  # texts per translator call; None: the backend's default
    #: set by xlt on the translate-train sub-run (source + translated training data); not for users
    augment_train: bool = False

    @field_validator("test", "train")
    @classmethod
    def _known_translators(cls, specs: dict[str, TranslatorSpec]) -> dict[str, TranslatorSpec]:
        for lang, spec in specs.items():
            try:
                check_translator_name(spec)
            except TranslationError as err:  # reported under the language: translate.test.deu_Latn
                raise field_error("TranslateSettings", (lang,), str(err), spec) from None
        return specs

    @property
    def enabled(self) -> bool:
        return bool(self.test or self.train)
