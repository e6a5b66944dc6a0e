"""``create_app``: the prediction service as a FastAPI app (one model, fixed when the app starts).

Routes: ``POST /v1/predict``, ``GET /v1/info`` (bearer token when configured), ``/healthz``, ``/readyz``,
``/metrics`` (Prometheus), ``/openapi.json`` and ``/docs``. Every response carries ``X-Request-ID``;
every error is JSON ``{"detail": "...", "request_id": "..."}``.

>>> app = create_app(ServeSettings(model="runs/sib200"))  # doctest: +SKIP
"""

# no ``from __future__ import annotations``: FastAPI must see the per-app request class, a local name

import json
import logging
import os
import re
import time
import uuid
from contextlib import asynccontextmanager
from types import SimpleNamespace

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from xlt.deploy.predictor import Predictor
from xlt.deploy.serve import language
from xlt.deploy.serve.auth import token_checker
from xlt.deploy.serve.batcher import MicroBatcher, QueueFull
from xlt.deploy.serve.body_limit import BodySizeLimit
from xlt.deploy.serve.info import model_info
from xlt.deploy.serve.logs import LOGGER, request_id_var
from xlt.deploy.serve.metrics import ServeMetrics
from xlt.deploy.serve.schemas import (
    ErrorResponse,
    InfoResponse,
    Prediction,
    PredictResponse,
    StatusResponse,
    predict_request_model,
)
from xlt.deploy.serve.settings import ServeSettings
from xlt.errors import ModelError

log = logging.getLogger(LOGGER)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
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


def _require_deployable(predictor: Predictor) -> None:
    """The service answers with labels and scores: a model of another task fails at start-up."""
    from xlt.finetune.tasks import deployable_tasks

    if not predictor.task.deployable:
        raise ModelError(f"xlt serve answers the deployable tasks ({', '.join(deployable_tasks())}) so far; "
                         f"{predictor.path} is a {predictor.saved.task!r} model")


def create_app(settings: ServeSettings, predictor: Predictor | None = None) -> FastAPI:
    """The service for ``settings.model`` (or an already loaded ``predictor``, e.g. in tests)."""
    state = SimpleNamespace(predictor=predictor, batcher=None, ready=False)
    metrics = ServeMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if state.predictor is None:
            state.predictor = Predictor(settings.model, threads=settings.threads, device=settings.device,
                                        dtype=settings.dtype,
                                        batch_size=max(settings.max_batch_size, 1))
        _require_deployable(state.predictor.load())
        state.info = model_info(state.predictor.path, state.predictor.run.root if state.predictor.run else None)
        state.batcher = MicroBatcher(state.predictor.predict, max_batch_size=settings.max_batch_size,
                                     max_wait_s=settings.max_wait_ms / 1000, queue_size=settings.queue_size,
                                     batching=settings.batching, on_batch=metrics.on_batch)
        state.batcher.start()
        state.ready = True
        log.info("serving", extra={"model": state.predictor.name})
        yield
        state.ready = False  # readyz fails first, then everything queued is finished
        await state.batcher.stop()
        log.info("stopped: queue drained", extra={"model": state.predictor.name})

    app = FastAPI(title="xlt prediction service", version="1", lifespan=lifespan,
                  description="Multilingual classification with a model fixed at start-up. Limits: "
                              f"{settings.max_texts} texts per request, {settings.max_chars} characters per text, "
                              f"{settings.max_body_bytes} bytes per body.")
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)  # inside `observe` (added after)
    authorised = [Depends(token_checker(settings.api_token))]
    PredictRequest = predict_request_model(settings.max_texts, settings.max_chars)  # noqa: N806 (a class)

    @app.middleware("http")
    async def observe(request: Request, call_next):
        given = request.headers.get("x-request-id", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        reset = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:  # a bug: logged with its id, answered as JSON
            log.exception("unhandled error")
            response = _error(500, "internal server error (logged with this request id)")
        finally:
            request_id_var.reset(reset)
        route = request.scope.get("route")
        path = route.path if route is not None else "unmatched"
        if response.status_code == 413:
            metrics.rejected.labels("too_large").inc()
        seconds = time.perf_counter() - started
        metrics.requests.labels(path, str(response.status_code)).inc()
        metrics.latency.labels(path).observe(seconds)
        response.headers["X-Request-ID"] = request_id
        log.info("request", extra={"request_id": request_id, "method": request.method, "path": path,
                                   "status": response.status_code, "duration_ms": round(seconds * 1000, 2),
                                   "client": request.client.host if request.client else None})
        return response

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
    async def predict(body: PredictRequest) -> PredictResponse | JSONResponse:  # type: ignore[valid-type]
        """Classify up to the limit of texts; a text without a language has it detected (with confidence)."""
        items = body.items()
        langs = [(given, None, "given") if given else (*language.detect(text), "detected") for text, given in items]
        try:
            scored = await state.batcher.submit([text for text, _ in items])
        except QueueFull as full:
            metrics.rejected.labels("queue_full").inc()
            return _error(503, str(full), {"Retry-After": str(full.retry_after)})
        finally:
            metrics.queue.set(state.batcher.pending)
        predictions = [Prediction(label=s.label, score=s.score, scores=s.scores, language=lang,
                                  language_confidence=conf, language_source=source)
                       for s, (lang, conf, source) in zip(scored, langs, strict=True)]
        return PredictResponse(model=state.predictor.name, request_id=request_id_var.get() or "",
                               predictions=predictions)

    @app.get("/v1/info", response_model=InfoResponse, dependencies=authorised, responses={401: ERRORS[401]})
    async def info() -> InfoResponse:
        """The model, its task and labels, and the languages it was evaluated on with their scores."""
        p = state.predictor
        return InfoResponse(model=p.name, task=p.saved.task, labels=p.labels, variant=state.info["variant"],
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
        if state.ready and state.batcher is not None and state.batcher.running:
            return StatusResponse(status="ready")
        return JSONResponse({"status": "not ready"}, status_code=503)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.state.xlt = state
    return app


def app_from_env() -> FastAPI:
    """The app for uvicorn's worker processes: settings come as JSON in ``$XLT_SERVE_SETTINGS``."""
    return create_app(ServeSettings(**json.loads(os.environ[SETTINGS_ENV])))
