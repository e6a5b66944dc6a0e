"""Per-request bookkeeping as a pure ASGI middleware: request id, latency metrics, one log line, JSON 500s.

Starlette's ``@app.middleware("http")`` (``BaseHTTPMiddleware``) runs the rest of the app in a separate task
and copies every response through a memory stream; on a short request that costs as much Python as the
route itself. This class only wraps ``send`` to read the status and add the ``X-Request-ID`` header.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xlt.deploy.serve.logs import LOGGER, request_id_var
from xlt.deploy.serve.metrics import ServeMetrics

log = logging.getLogger(LOGGER)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class Observe:
    """Sets the request id (the client's ``X-Request-ID`` when well-formed, else a new one) for the request's
    logs and errors, answers an unhandled exception with a JSON 500, and records status, route and latency."""

    def __init__(self, app: ASGIApp, metrics: ServeMetrics, on_status: Callable[[int], None] | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.on_status = on_status

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope.get("headers") or [] if k == b"x-request-id"), "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        reset = request_id_var.set(request_id)
        started = time.perf_counter()
        status, responded = 500, False

        async def send_with_id(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:  # a bug: logged with its id, answered as JSON when nothing was sent yet
            log.exception("unhandled error")
            if not responded:
                body = json.dumps({"detail": "internal server error (logged with this request id)",
                                   "request_id": request_id}).encode()
                await send_with_id({"type": "http.response.start", "status": 500,
                                    "headers": [(b"content-type", b"application/json"),
                                                (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
        finally:
            request_id_var.reset(reset)
        route = scope.get("route")
        path = route.path if route is not None else "unmatched"
        if self.on_status:
            self.on_status(status)
        seconds = time.perf_counter() - started
        self.metrics.requests.labels(path, str(status)).inc()
        self.metrics.latency.labels(path).observe(seconds)
        if log.isEnabledFor(logging.INFO):
            client = scope.get("client")
            log.info("request", extra={"request_id": request_id, "method": scope["method"], "path": path,
                                       "status": status, "duration_ms": round(seconds * 1000, 2),
                                       "client": client[0] if client else None})
