"""Request and response bodies of the service.

The request model is built per app so that the configured limits (texts per request, characters per
text) are part of validation and of the OpenAPI spec. Unknown fields are rejected (``extra="forbid"``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag, create_model

LanguageCode = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


class PredictRequestBase(BaseModel):
    """A list of inputs (``texts`` or ``inputs``): strings, or objects of the task's fields and a ``language``."""

    model_config = ConfigDict(extra="forbid")

    def items(self) -> list[tuple[str | dict, str | None]]:
        """``(input, given language or None)`` per input, in order; an object input as a dict of its fields."""
        values = self.texts if "texts" in type(self).model_fields else self.inputs
        return [(v, None) if isinstance(v, str) else (v.model_dump(exclude={"language"}), v.language)
                for v in values]


def _kind(value) -> str:
    return "text" if isinstance(value, str) else "object"


def predict_request_model(max_texts: int, max_chars: int) -> type[PredictRequestBase]:
    """The ``POST /v1/predict`` body with this server's limits (the limits appear in the OpenAPI spec)."""
    text = Annotated[str, StringConstraints(max_length=max_chars)]
    with_language = create_model(
        "TextWithLanguage", __config__=ConfigDict(extra="forbid"),
        text=(text, Field(description=f"at most {max_chars} characters")),
        language=(LanguageCode | None, Field(None, description="its language code; null: detect it")),
    )
    item = Annotated[Annotated[text, Tag("text")] | Annotated[with_language, Tag("object")], Discriminator(_kind)]
    return create_model(
        "PredictRequest", __base__=PredictRequestBase,
        texts=(list[item], Field(min_length=1, max_length=max_texts,
                                 description=f"1 to {max_texts} texts of at most {max_chars} characters: a string "
                                             "(language detected) or {\"text\", \"language\"}")),
    )


class LanguageFields(BaseModel):
    """What every prediction says about its input's language and how the model did on it."""

    language: str | None = Field(description="the input's language: as given, or detected")
    language_confidence: float | None = Field(description="the detector's probability; null when given")
    language_source: str = Field(description="'given' or 'detected'")
    language_evaluated: bool = Field(False, description="whether the model was evaluated on this language")
    evaluated_language: str | None = Field(None, description="the evaluated language code it matched (the "
                                                             "run's own, e.g. deu_Latn for de)")
    language_scores: dict[str, float] | None = Field(None, description="the model's test scores there")


class ErrorResponse(BaseModel):
    detail: str = Field(description="what was wrong, in words")
    request_id: str | None = None


class InfoResponse(BaseModel):
    model: str
    task: str
    input_fields: list[str] = Field(description="the fields of one input of the task")
    request_field: str = Field(description="the POST /v1/predict body's list: texts or inputs")
    labels: list[str]
    variant: dict | None = Field(description="how the served variant was exported (null: the trained model)")
    source_languages: list[str]
    languages: dict[str, dict[str, float]] = Field(description="evaluated language -> metric -> score")
    scores_from: str | None = Field(description="which evaluation the scores come from")
    limits: dict[str, float | int | bool]


class StatusResponse(BaseModel):
    status: str
