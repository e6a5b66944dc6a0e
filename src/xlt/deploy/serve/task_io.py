"""What ``POST /v1/predict`` takes and gives for each served task (classification, tagging, QA).

Classification takes ``texts`` (strings, or ``{"text", "language"}``); tagging takes ``inputs`` of raw texts
(split on whitespace), ``{"text", "language"}`` or ``{"tokens": [...], "language"}``; QA takes ``inputs`` of
``{"question", "context", "language"}``. Each prediction is the task's own record (``Classified``, ``Tagged``,
``Answer``) with the language fields of :class:`LanguageFields` added. The models are built per app so that
the configured limits are part of validation and of the OpenAPI spec.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag, create_model

from xlt.deploy.serve.schemas import LanguageCode, LanguageFields, PredictRequestBase, predict_request_model
from xlt.finetune.tasks.classification import Classified
from xlt.finetune.tasks.qa import Answer
from xlt.finetune.tasks.tagging import Tagged

#: the tasks the service answers, with the record each prediction is
RECORDS: dict[str, type[BaseModel]] = {"classification": Classified, "tagging": Tagged, "qa": Answer}
MAX_WORDS = 512  # words per tagging input: a sentence, not a book


def request_field(task: str) -> str:
    """The request's list field: ``texts`` for classification (its original shape), ``inputs`` otherwise."""
    return "texts" if task == "classification" else "inputs"


def _tagging_kind(value) -> str:
    if isinstance(value, str):
        return "text"
    has_tokens = "tokens" in value if isinstance(value, dict) else hasattr(value, "tokens")
    return "words" if has_tokens else "object"


def _tagging_request(max_texts: int, max_chars: int) -> type[PredictRequestBase]:
    text = Annotated[str, StringConstraints(max_length=max_chars)]
    word = Annotated[str, StringConstraints(min_length=1, max_length=100)]
    language = (LanguageCode | None, Field(None, description="its language code; null: detect it"))
    with_language = create_model("TaggingText", __config__=ConfigDict(extra="forbid"), text=(text, ...),
                                 language=language)
    words = create_model("TaggingWords", __config__=ConfigDict(extra="forbid"),
                         tokens=(list[word], Field(min_length=1, max_length=MAX_WORDS,
                                                   description=f"1 to {MAX_WORDS} words")),
                         language=language)
    item = Annotated[Annotated[text, Tag("text")] | Annotated[with_language, Tag("object")]
                     | Annotated[words, Tag("words")], Discriminator(_tagging_kind)]
    return create_model(
        "TaggingRequest", __base__=PredictRequestBase,
        inputs=(list[item], Field(min_length=1, max_length=max_texts,
                                  description=f"1 to {max_texts} sentences: a text (split on whitespace), "
                                              "{\"text\", \"language\"} or {\"tokens\": [...], \"language\"}")))


def _qa_request(max_texts: int, max_chars: int) -> type[PredictRequestBase]:
    text = Annotated[str, StringConstraints(min_length=1, max_length=max_chars)]
    pair = create_model("QuestionContext", __config__=ConfigDict(extra="forbid"),
                        question=(text, Field(description="the question")),
                        context=(text, Field(description="the passage the answer is a span of")),
                        language=(LanguageCode | None, Field(None, description="its language; null: detect it")))
    return create_model(
        "QARequest", __base__=PredictRequestBase,
        inputs=(list[pair], Field(min_length=1, max_length=max_texts,
                                  description=f"1 to {max_texts} question/context pairs of at most {max_chars} "
                                              "characters each")))


def request_model(task: str, max_texts: int, max_chars: int) -> type[PredictRequestBase]:
    """The ``POST /v1/predict`` body of ``task`` with this server's limits."""
    build = {"classification": predict_request_model, "tagging": _tagging_request, "qa": _qa_request}[task]
    return build(max_texts, max_chars)


def response_model(task: str) -> tuple[type[BaseModel], type[BaseModel]]:
    """``(prediction, response)`` models of ``task``: its record plus the language fields, and the envelope."""
    record = RECORDS[task]
    name = "Prediction" if task == "classification" else f"{record.__name__}Prediction"
    prediction = create_model(name, __base__=(record, LanguageFields))
    response = create_model("PredictResponse", model=(str, ...), request_id=(str, ...),
                            predictions=(list[prediction], ...))
    return prediction, response


def detection_text(row: dict) -> str:
    """The text of an input row whose language is detected (a tagged sentence's words; a QA context)."""
    if "tokens" in row:
        return " ".join(row["tokens"])
    return row.get("context") or row.get("text") or ""


def without_model(row: dict) -> BaseModel | None:
    """The prediction of an input that needs no forward pass (a tagging text without words), else None."""
    if "tokens" in row and not row["tokens"]:
        return Tagged(tokens=[], tags=[])
    return None
