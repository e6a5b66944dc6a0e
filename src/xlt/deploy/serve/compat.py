"""Routes other clients already speak: text-embeddings-inference (``/predict``, ``/embed``, ``/info``,
``/health``) and OpenAI's ``/v1/embeddings``, answered by the served model through the app's batchers.

``/predict`` is there for a classifier only (TEI's classification route); the embedding routes work for every task
(the vectors are the encoder's pooled output, :mod:`.embedder`).
"""

# no ``from __future__ import annotations``: FastAPI must see the per-app request classes, local names

import math

import numpy as np
from fastapi import FastAPI
from fastapi.responses import JSONResponse

import xlt
from xlt.deploy.serve.embedder import normalized
from xlt.deploy.serve.openai_embeddings import Embedding, EmbeddingsResponse, Usage, embeddings_request_model, encoded
from xlt.deploy.serve.schemas import ErrorResponse, StatusResponse
from xlt.deploy.serve.tei import LabelScore, TEIInfo, option, predict_inputs, tei_request_models


def _texts(inputs: str | list[str]) -> list[str]:
    return [inputs] if isinstance(inputs, str) else list(inputs)


def _ranked(scores: dict[str, float], raw: bool) -> list[LabelScore]:
    """Every label with its probability (``raw``: log-probability), best first, as TEI answers."""
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    return [LabelScore(label=label, score=math.log(max(p, 1e-45)) if raw else p) for label, p in ranked]


def add_compat_routes(app: FastAPI, ctx) -> None:
    """Add the TEI and OpenAI routes; ``ctx``: the app's state, settings, auth dependency and batch runner."""
    state, settings = ctx.state, ctx.settings
    TEIPredictRequest, TEIEmbedRequest = tei_request_models(settings.max_texts, settings.max_chars)  # noqa: N806
    EmbeddingsRequest = embeddings_request_model(settings.max_texts, settings.max_chars)  # noqa: N806
    responses = {**ctx.errors, 503: {"model": ErrorResponse, "description": "queue full: retry after Retry-After"}}

    async def vectors(texts: list[str], dimensions: int | None, normalize: bool) -> np.ndarray | JSONResponse:
        rows = await ctx.run_batch(state.embed_batcher, texts)
        if isinstance(rows, JSONResponse):
            return rows
        out = np.asarray(rows, dtype=np.float32)[:, :dimensions]  # dimensions None keeps them all
        return normalized(out) if normalize else out

    if state.task == "classification":  # TEI's /predict is a classifier's route
        @app.post("/predict", response_model=list[LabelScore] | list[list[LabelScore]], dependencies=ctx.authorised,
                  responses=responses, tags=["text-embeddings-inference"])
        async def tei_predict(body: TEIPredictRequest):  # type: ignore[valid-type]
            """TEI classification: one input gives its labels with scores (best first), a batch one list per input."""
            rows, batch = predict_inputs(body.inputs)
            scored = await ctx.run_batch(state.batcher, rows)
            if isinstance(scored, JSONResponse):
                return scored
            raw = option(body, "raw_scores", False)
            ranked = [_ranked(s.scores, raw) for s in scored]
            return ranked if batch else ranked[0]

    @app.post("/embed", response_model=list[list[float]], dependencies=ctx.authorised, responses=responses,
              tags=["text-embeddings-inference"])
    async def tei_embed(body: TEIEmbedRequest):  # type: ignore[valid-type]
        """TEI embeddings: one vector per text (unit length unless ``normalize`` is false)."""
        out = await vectors(_texts(body.inputs), option(body, "dimensions", None), option(body, "normalize", True))
        return out if isinstance(out, JSONResponse) else out.tolist()

    @app.get("/info", response_model=TEIInfo, dependencies=ctx.authorised, responses={401: ctx.errors[401]},
             tags=["text-embeddings-inference"])
    async def tei_info() -> TEIInfo:
        """TEI's model card: the model, its type (classifier labels or embedding pooling) and the limits."""
        p = state.predictor
        spec = p.saved.spec
        if state.task == "classification":
            model_type = {"classifier": {"id2label": {str(i): label for i, label in enumerate(p.labels)},
                                         "label2id": {label: i for i, label in enumerate(p.labels)}}}
        else:
            model_type = {"embedding": {"pooling": spec.resolved_pooling()}}
        dtype = str(next(p.saved.model.parameters()).dtype).removeprefix("torch.")
        return TEIInfo(model_id=p.name, model_dtype=dtype, model_type=model_type,
                       max_concurrent_requests=settings.queue_size, max_input_length=spec.resolved_max_length(),
                       max_batch_tokens=settings.max_batch_size * spec.resolved_max_length(),
                       max_batch_requests=settings.max_batch_size, max_client_batch_size=settings.max_texts,
                       version=xlt.__version__)

    @app.get("/health", response_model=StatusResponse, responses={503: {"model": StatusResponse}},
             tags=["text-embeddings-inference"])
    async def tei_health():
        """TEI health: 200 once the model answers, 503 while starting or shutting down."""
        if ctx.ready():
            return StatusResponse(status="ok")
        return JSONResponse({"status": "not ready"}, status_code=503)

    @app.post("/v1/embeddings", response_model=EmbeddingsResponse, dependencies=ctx.authorised,
              responses=responses, tags=["openai"])
    async def openai_embeddings(body: EmbeddingsRequest):  # type: ignore[valid-type]
        """OpenAI embeddings: unit-length vectors (floats or base64 float32) with the token usage."""
        texts = _texts(body.input)
        out = await vectors(texts, body.dimensions, True)
        if isinstance(out, JSONResponse):
            return out
        tokens = sum(state.embedder.token_counts(texts))
        return EmbeddingsResponse(
            data=[Embedding(embedding=encoded(v, body.encoding_format), index=i) for i, v in enumerate(out)],
            model=state.predictor.name, usage=Usage(prompt_tokens=tokens, total_tokens=tokens))
