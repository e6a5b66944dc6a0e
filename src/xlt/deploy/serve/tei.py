"""Request and response bodies of the text-embeddings-inference (TEI) routes: ``/predict``, ``/embed``, ``/info``.

The shapes are TEI's (its OpenAPI spec, huggingface.github.io/text-embeddings-inference), so TEI clients work
unchanged. ``/predict`` reads ``inputs`` as TEI does: a string is one text; a list of exactly two strings is
one text pair; any other list of strings is a batch of texts; a list of lists is a batch of sequences, each a
``[text]`` or a ``[text, text_pair]``. One input is answered with one list of ``{"label", "score"}`` (best
first), a batch with one such list per input. The options may also come inside ``parameters`` (how
``huggingface_hub.InferenceClient`` sends them). Inputs are always truncated to ``max_input_length`` tokens.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model


class LabelScore(BaseModel):
    score: float = Field(description="the label's probability (raw_scores: its log-probability)")
    label: str


class TEIInfo(BaseModel):
    """TEI's ``/info`` fields that hold for this service."""

    model_id: str
    model_sha: str | None = None
    model_dtype: str
    model_type: dict = Field(description='{"classifier": {"id2label", "label2id"}} or {"embedding": {"pooling"}}')
    max_concurrent_requests: int = Field(description="inputs waiting at most (the queue)")
    max_input_length: int = Field(description="tokens per input; longer inputs are truncated")
    max_batch_tokens: int = Field(description="tokens per forward pass at most (batch size x input length)")
    max_batch_requests: int | None = Field(description="inputs per forward pass at most")
    max_client_batch_size: int = Field(description="inputs per request at most")
    auto_truncate: bool = True
    tokenization_workers: int = 1
    version: str
    sha: str | None = None
    docker_label: str | None = None


def _options(raw_scores: bool):
    """The request options TEI takes, with their defaults (also the fields of ``parameters``)."""
    common = {"truncate": (bool | None, Field(None, description="accepted; inputs are always truncated")),
              "truncation_direction": (Literal["Right", "right"] | None,
                                       Field(None, description="only Right: the end of a long input is cut"))}
    if raw_scores:
        return {"raw_scores": (bool | None, Field(None, description="log-probabilities instead of probabilities")),
                **common}
    return {"normalize": (bool | None, Field(None, description="unit-length vectors (default true)")),
            "dimensions": (int | None, Field(None, ge=1, le=65536, description="keep the first n dimensions")),
            "prompt_name": (None, Field(None, description="not supported: always null")),
            **common}


def tei_request_models(max_texts: int, max_chars: int) -> tuple[type[BaseModel], type[BaseModel]]:
    """``(PredictInput request, EmbedRequest)`` with this server's limits."""
    text = Annotated[str, StringConstraints(max_length=max_chars)]
    sequence = Annotated[list[text], Field(min_length=1, max_length=2)]
    forbid = ConfigDict(extra="forbid")
    predict_parameters = create_model("TEIPredictParameters", __config__=forbid, **_options(True))
    embed_parameters = create_model("TEIEmbedParameters", __config__=forbid, **_options(False))
    predict = create_model(
        "TEIPredictRequest", __config__=forbid,
        inputs=(text | Annotated[list[text | sequence], Field(min_length=1, max_length=max_texts)],
                Field(description="a text, a [text, text_pair], or a batch: a list of texts or of [text] / "
                                  f"[text, text_pair] (at most {max_texts})")),
        parameters=(predict_parameters | None, None), **_options(True))
    embed = create_model(
        "TEIEmbedRequest", __config__=forbid,
        inputs=(text | Annotated[list[text], Field(min_length=1, max_length=max_texts)],
                Field(description=f"a text or a list of at most {max_texts} texts")),
        parameters=(embed_parameters | None, None), **_options(False))
    return predict, embed


def option(body: BaseModel, name: str, default):
    """An option as given at the top level, else inside ``parameters``, else ``default``."""
    value = getattr(body, name)
    if value is None and body.parameters is not None:
        value = getattr(body.parameters, name)
    return default if value is None else value


def predict_inputs(inputs: str | list) -> tuple[list[dict], bool]:
    """``(classification rows, whether the request is a batch)`` from TEI ``/predict`` inputs."""
    if isinstance(inputs, str):
        return [{"text": inputs}], False
    if len(inputs) == 2 and all(isinstance(i, str) for i in inputs):
        return [{"text": inputs[0], "text_pair": inputs[1]}], False  # TEI reads two strings as one pair
    rows = []
    for item in inputs:
        parts = [item] if isinstance(item, str) else item
        rows.append({"text": parts[0], **({"text_pair": parts[1]} if len(parts) == 2 else {})})
    return rows, True
