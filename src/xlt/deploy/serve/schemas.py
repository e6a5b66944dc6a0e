"""Request and response bodies of the service.

The request model is built per app so that the configured limits (texts per request, characters per
text) are part of validation and of the OpenAPI spec. Unknown fields are rejected (``extra="forbid"``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag, create_model

LanguageCode = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


class PredictRequestBase(BaseModel):
    """``texts``: strings, or ``{"text": ..., "language": ...}`` objects for texts whose language is known."""

    model_config = ConfigDict(extra="forbid")

    def items(self) -> list[tuple[str, str | None]]:
        """``(text, given language or None)`` per text, in order."""
        return [(t, None) if isinstance(t, str) else (t.text, t.language) for t in self.texts]


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


class Prediction(BaseModel):
    label: str = Field(description="the predicted label")
    score: float = Field(description="its probability")
    scores: dict[str, float] = Field(description="probability of every label")
    language: str | None = Field(description="the text's language: as given, or detected")
    language_confidence: float | None = Field(description="the detector's probability; null when given")
    language_source: str = Field(description="'given' or 'detected'")


class PredictResponse(BaseModel):
    model: str
    request_id: str
    predictions: list[Prediction]


class ErrorResponse(BaseModel):
    detail: str = Field(description="what was wrong, in words")
    request_id: str | None = None


class InfoResponse(BaseModel):
    model: str
    task: str
    labels: list[str]
    variant: dict | None = Field(description="how the served variant was exported (null: the trained model)")
    source_languages: list[str]
    languages: dict[str, dict[str, float]] = Field(description="evaluated language -> metric -> score")
    scores_from: str | None = Field(description="which evaluation the scores come from")
    limits: dict[str, float | int | bool]


class StatusResponse(BaseModel):
    status: str
