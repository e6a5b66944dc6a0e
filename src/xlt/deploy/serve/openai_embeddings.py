"""Request and response bodies of the OpenAI-style ``POST /v1/embeddings`` (the ``openai`` client's shapes).

``input`` is a text or a list of texts (token-id inputs are not taken); ``model`` is accepted and answered
with the served model's name (one model per server); ``encoding_format`` ``base64`` packs each vector as
little-endian float32 bytes, as the OpenAI API does. Vectors are unit length, like OpenAI's.
"""

from __future__ import annotations

import base64
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model


class Embedding(BaseModel):
    object: Literal["embedding"] = "embedding"
    embedding: list[float] | str = Field(description="the vector, or base64 float32 bytes")
    index: int


class Usage(BaseModel):
    prompt_tokens: int
    total_tokens: int


class EmbeddingsResponse(BaseModel):
    object: Literal["list"] = "list"
    data: list[Embedding]
    model: str
    usage: Usage


def embeddings_request_model(max_texts: int, max_chars: int) -> type[BaseModel]:
    """The ``POST /v1/embeddings`` body with this server's limits."""
    text = Annotated[str, StringConstraints(max_length=max_chars)]
    return create_model(
        "EmbeddingsRequest", __config__=ConfigDict(extra="forbid"),
        input=(text | Annotated[list[text], Field(min_length=1, max_length=max_texts)],
               Field(description=f"a text or a list of at most {max_texts} texts")),
        model=(Annotated[str, StringConstraints(max_length=256)] | None,
               Field(None, description="accepted; the server's one model answers")),
        encoding_format=(Literal["float", "base64"], "float"),
        dimensions=(int | None, Field(None, ge=1, le=65536, description="keep the first n dimensions")),
        user=(Annotated[str, StringConstraints(max_length=256)] | None, Field(None, description="ignored")),
    )


def encoded(vector: np.ndarray, encoding_format: str) -> list[float] | str:
    """A vector as JSON floats, or as base64 of its little-endian float32 bytes."""
    if encoding_format == "base64":
        return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")
    return [float(v) for v in vector]
