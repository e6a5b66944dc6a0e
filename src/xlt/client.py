"""A typed Python client for ``xlt serve``.

>>> with XltClient("http://127.0.0.1:8000", token=None) as client:  # doctest: +SKIP
...     client.predict(["Der Hund schläft.", "Le chat dort."])[0].label
'Animals & Nature'

A 503 (queue full) is retried after the server's Retry-After, a few times; any other error raises
:class:`XltServerError` with the server's message (here a stand-in server that is always full):

>>> import httpx
>>> def always_full(request):
...     return httpx.Response(503, json={"detail": "queue full", "request_id": "r1"}, headers={"Retry-After": "0"})
>>> with XltClient("http://xlt", transport=httpx.MockTransport(always_full), retries=2) as client:
...     client.predict(["Le chat dort."])
Traceback (most recent call last):
...
xlt.client.XltServerError: server answered 503: queue full (request id r1)
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import httpx
from pydantic import BaseModel

from xlt.errors import XltError

TOKEN_ENV = "XLT_API_TOKEN"


class Prediction(BaseModel):
    label: str
    score: float
    scores: dict[str, float]
    language: str | None
    language_confidence: float | None
    language_source: str
    language_evaluated: bool = False  # whether the served model was evaluated on this language
    evaluated_language: str | None = None
    language_scores: dict[str, float] | None = None


class ModelInfo(BaseModel):
    model: str
    task: str
    labels: list[str]
    variant: dict | None
    source_languages: list[str]
    languages: dict[str, dict[str, float]]
    scores_from: str | None
    limits: dict[str, float | int | bool]


class XltServerError(XltError):
    """The server refused or failed a request: ``status`` and its ``detail`` message."""

    def __init__(self, status: int, detail: str, request_id: str | None = None) -> None:
        super().__init__(f"server answered {status}: {detail}" + (f" (request id {request_id})" if request_id else ""))
        self.status = status
        self.detail = detail
        self.request_id = request_id


class XltClient:
    """Talks to one ``xlt serve`` instance; ``token`` defaults to ``$XLT_API_TOKEN``."""

    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 30.0, retries: int = 3,
                 transport: httpx.BaseTransport | None = None) -> None:
        token = token if token is not None else os.environ.get(TOKEN_ENV)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.retries = retries
        self._http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout,
                                  transport=transport)

    def __enter__(self) -> XltClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        for attempt in range(self.retries + 1):
            response = self._http.request(method, path, **kwargs)
            if response.status_code == 503 and attempt < self.retries:
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            if response.status_code >= 400:
                try:
                    body = response.json()
                except ValueError:
                    body = {"detail": response.text}
                raise XltServerError(response.status_code, str(body.get("detail")), body.get("request_id")
                                     or response.headers.get("X-Request-ID"))
            return response
        raise AssertionError("unreachable")

    def predict(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> list[Prediction]:
        """One prediction per text; ``languages`` (a code or None per text) skips detection where given."""
        if languages is not None and len(languages) != len(texts):
            raise ValueError(f"{len(languages)} languages for {len(texts)} texts")
        items = [t if lang is None else {"text": t, "language": lang}
                 for t, lang in zip(texts, languages or [None] * len(texts), strict=True)]
        data = self._request("POST", "/v1/predict", json={"texts": items}).json()
        return [Prediction(**p) for p in data["predictions"]]

    def info(self) -> ModelInfo:
        return ModelInfo(**self._request("GET", "/v1/info").json())

    def ready(self) -> bool:
        """True when the server answers /readyz with 200."""
        try:
            return self._http.get("/readyz").status_code == 200
        except httpx.HTTPError:
            return False
