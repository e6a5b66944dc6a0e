"""``create_app``: the prediction service as a FastAPI app (one model, fixed when the app starts).

Routes: ``POST /v1/predict`` (the task's inputs in, its typed records out: classification, tagging, QA),
``GET /v1/info``, the text-embeddings-inference routes ``POST /predict``, ``POST /embed``, ``GET /info`` and
the OpenAI-style ``POST /v1/embeddings`` (all with the bearer token when configured; :mod:`.compat`),
``/health``, ``/healthz``, ``/readyz``, ``/metrics`` (Prometheus), ``/openapi.json`` and ``/docs``. Every
response carries ``X-Request-ID``; every error is JSON ``{"detail": "...", "request_id": "..."}``.

>>> app = create_app(ServeSettings(model="runs/sib200"))  # doctest: +SKIP
"""

# no ``from __future__ import annotations``: FastAPI must see the per-app request class, a local name

import json
import logging
import os
from contextlib import asynccontextmanager
from types import SimpleNamespace

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from xlt.deploy.predictor import Predictor
from xlt.deploy.serve import language
from xlt.deploy.serve.auth import token_checker
from xlt.deploy.serve.batcher import MicroBatcher, QueueFull
from xlt.deploy.serve.body_limit import BodySizeLimit
from xlt.deploy.serve.compat import add_compat_routes
from xlt.deploy.serve.embedder import Embedder
from xlt.deploy.serve.info import model_info
from xlt.deploy.serve.language_map import evaluation
from xlt.deploy.serve.logs import LOGGER, request_id_var
from xlt.deploy.serve.metrics import ServeMetrics
from xlt.deploy.serve.observe import Observe
from xlt.deploy.serve.schemas import ErrorResponse, InfoResponse, StatusResponse
from xlt.deploy.serve.settings import ServeSettings
from xlt.deploy.serve.task_io import (
    RECORDS,
    detection_text,
    request_field,
    request_model,
    response_model,
    without_model,
)
from xlt.errors import DataError, ModelError

log = logging.getLogger(LOGGER)
SETTINGS_ENV = "XLT_SERVE_SETTINGS"
ERRORS = {code: {"model": ErrorResponse} for code in (401, 413, 422)}


def _error(status: int, detail: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail, "request_id": request_id_var.get()}, status_code=status, headers=headers)


def _validation_message(errors) -> tuple[int, str]:
    """Status and one readable line for pydantic/FastAPI validation errors (400 for a body that is not JSON)."""
    for err in errors:
        if err.get("type") == "json_invalid":
            pos = err["loc"][-1] if err.get("loc") else "?"
            return 400, f"malformed JSON at character {pos}: {err.get('ctx', {}).get('error', err['msg'])}"
    parts = []
    for err in errors:
        where = ".".join(str(p) for p in err.get("loc", ())[1:]) or "body"
        parts.append(f"{where}: {err['msg']}")
    return 422, "invalid request: " + "; ".join(parts)


def _served_task(predictor: Predictor) -> str:
    """The model's task, read from its card; a task the service has no request shape for fails at start-up."""
    task = predictor.task.name
    if task not in RECORDS:
        raise ModelError(f"xlt serve answers {', '.join(RECORDS)} models; {predictor.path} is a {task!r} model")
    return task


def create_app(settings: ServeSettings, predictor: Predictor | None = None) -> FastAPI:
    """The service for ``settings.model`` (or an already loaded ``predictor``, e.g. in tests)."""
    if predictor is None:  # reads the card only: the routes' shapes depend on the task, the weights load later
        predictor = Predictor(settings.model, threads=settings.threads, device=settings.device,
                              dtype=settings.dtype, batch_size=max(settings.max_batch_size, 1))
    task = _served_task(predictor)
    state = SimpleNamespace(predictor=predictor, batcher=None, embed_batcher=None, ready=False, task=task)
    metrics = ServeMetrics()

    def batcher(predict) -> MicroBatcher:
        return MicroBatcher(predict, max_batch_size=settings.max_batch_size, max_wait_s=settings.max_wait_ms / 1000,
                            queue_size=settings.queue_size, batching=settings.batching, on_batch=metrics.on_batch)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        state.predictor.load()
        state.info = model_info(state.predictor.path, state.predictor.run.root if state.predictor.run else None)
        state.embedder = Embedder(state.predictor, batch_size=max(settings.max_batch_size, 1))
        state.batcher = batcher(state.predictor.predict_rows)
        state.embed_batcher = batcher(state.embedder.embed)  # vectors and predictions are separate forward passes
        state.batcher.start()
        state.embed_batcher.start()
        state.ready = True
        log.info("serving", extra={"model": state.predictor.name})
        yield
        state.ready = False  # readyz fails first, then everything queued is finished
        await state.batcher.stop()
        await state.embed_batcher.stop()
        log.info("stopped: queue drained", extra={"model": state.predictor.name})

    app = FastAPI(title="xlt prediction service", version="1", lifespan=lifespan,
                  description=f"Multilingual {task} with a model fixed at start-up. Limits: "
                              f"{settings.max_texts} texts per request, {settings.max_chars} characters per text, "
                              f"{settings.max_body_bytes} bytes per body.")
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)  # inside Observe (added after)
    app.add_middleware(Observe, metrics=metrics,
                       on_status=lambda status: status == 413 and metrics.rejected.labels("too_large").inc())
    authorised = [Depends(token_checker(settings.api_token))]
    PredictRequest = request_model(task, settings.max_texts, settings.max_chars)  # noqa: N806 (a class)
    Prediction, PredictResponse = response_model(task)  # noqa: N806 (classes)

    async def run_batch(batcher: MicroBatcher, inputs: list) -> list | JSONResponse:
        """The batcher's results for ``inputs``, or the 503 to answer when its queue is full."""
        try:
            return await batcher.submit(inputs)
        except QueueFull as full:
            metrics.rejected.labels("queue_full").inc()
            return _error(503, str(full), {"Retry-After": str(full.retry_after)})
        finally:
            metrics.queue.set(state.batcher.pending + state.embed_batcher.pending)

    def ready() -> bool:
        return bool(state.ready and state.batcher is not None and state.batcher.running
                    and state.embed_batcher.running)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, message = _validation_message(exc.errors())
        metrics.rejected.labels("malformed" if status == 400 else "invalid").inc()
        return _error(status, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail)
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            detail = f"the body is not valid UTF-8 JSON ({exc.__cause__.reason} at byte {exc.__cause__.start})"
            metrics.rejected.labels("malformed").inc()
        elif exc.status_code == 401:
            metrics.rejected.labels("unauthorised").inc()
        return _error(exc.status_code, detail, getattr(exc, "headers", None))

    @app.post("/v1/predict", response_model=PredictResponse, dependencies=authorised,
              responses={**ERRORS, 400: {"model": ErrorResponse}, 503: {
                  "model": ErrorResponse, "description": "queue full: retry after the Retry-After seconds"}})
    async def predict(body: PredictRequest) -> Response:  # type: ignore[valid-type]
        """Predict the task's record for each input (classification: label and scores; tagging: a tag per word;
        QA: an answer span); an input without a language has it detected (with confidence), and each
        prediction says whether the model was evaluated on that language and how it scored there."""
        items = body.items()
        try:
            rows = [state.predictor.input_row(item) for item, _ in items]
        except DataError as err:
            return _error(422, f"invalid request: {err}")
        langs = [(given, None, "given") if given else (*language.detect(detection_text(row)), "detected")
                 for row, (_, given) in zip(rows, items, strict=True)]
        ready_made = [without_model(row) for row in rows]
        computed = await run_batch(state.batcher, [row for row, done in zip(rows, ready_made, strict=True)
                                                   if done is None])
        if isinstance(computed, JSONResponse):
            return computed
        results = iter(computed)
        scored = [done if done is not None else next(results) for done in ready_made]
        predictions = [Prediction(**s.model_dump(), language=lang, language_confidence=conf, language_source=source,
                                  **evaluation(lang, state.info["languages"]))
                       for s, (lang, conf, source) in zip(scored, langs, strict=True)]
        answer = PredictResponse(model=state.predictor.name, request_id=request_id_var.get() or "",
                                 predictions=predictions)
        # built and validated here already: FastAPI would validate and serialise it a second time
        return Response(answer.model_dump_json(), media_type="application/json")

    @app.get("/v1/info", response_model=InfoResponse, dependencies=authorised, responses={401: ERRORS[401]})
    async def info() -> InfoResponse:
        """The model, its task, input fields and labels, and the languages it was evaluated on with their scores."""
        p = state.predictor
        return InfoResponse(model=p.name, task=task, input_fields=list(p.input_fields),
                            request_field=request_field(task), labels=p.labels, variant=state.info["variant"],
                            source_languages=p.saved.source_languages, languages=state.info["languages"],
                            scores_from=state.info["scores_from"],
                            limits={"max_texts": settings.max_texts, "max_chars": settings.max_chars,
                                    "max_body_bytes": settings.max_body_bytes,
                                    "max_batch_size": settings.max_batch_size, "max_wait_ms": settings.max_wait_ms,
                                    "queue_size": settings.queue_size, "batching": settings.batching})

    @app.get("/healthz", response_model=StatusResponse)
    async def healthz() -> StatusResponse:
        """Liveness: the process answers."""
        return StatusResponse(status="ok")

    @app.get("/readyz", response_model=StatusResponse, responses={503: {"model": StatusResponse}})
    async def readyz() -> StatusResponse | JSONResponse:
        """Readiness: the model is loaded and the batcher runs (503 while starting or shutting down)."""
        if ready():
            return StatusResponse(status="ready")
        return JSONResponse({"status": "not ready"}, status_code=503)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    add_compat_routes(app, SimpleNamespace(state=state, settings=settings, authorised=authorised, errors=ERRORS,
                                           run_batch=run_batch, ready=ready, error=_error))
    app.state.xlt = state
    return app


def app_from_env() -> FastAPI:
    """The app for uvicorn's worker processes: settings come as JSON in ``$XLT_SERVE_SETTINGS``."""
    return create_app(ServeSettings(**json.loads(os.environ[SETTINGS_ENV])))
