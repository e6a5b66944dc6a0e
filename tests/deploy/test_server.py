"""The prediction service against a running server: answers, limits, bad input, auth, floods, shutdown."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import httpx
import pytest

from xlt.client import XltClient, XltServerError

from tests.deploy.helpers import TOKEN, LiveServer

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def post(server, body: bytes | dict, headers: dict | None = None) -> httpx.Response:
    headers = {**AUTH, "Content-Type": "application/json", **(headers or {})}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{server.url}/v1/predict", content=content, headers=headers, timeout=30)


def still_answers(server, tiny_predictor) -> None:
    """A good request after a bad one gets the same labels as the model itself."""
    texts = ["red cat", "der hund"]
    r = post(server, {"texts": texts})
    assert r.status_code == 200, r.text
    assert [p["label"] for p in r.json()["predictions"]] == [s.label for s in tiny_predictor.predict(texts)]


def test_predict_returns_labels_scores_and_languages(live_server, tiny_predictor):
    texts = ["la maison est rouge et le chat est bleu", {"text": "der hund", "language": "de"}]
    r = post(live_server, {"texts": texts})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["request_id"] == r.headers["X-Request-ID"]
    first, second = body["predictions"]
    assert first["language_source"] == "detected" and first["language"] == "fr"
    assert 0 < first["language_confidence"] <= 1
    assert second == {**second, "language": "de", "language_source": "given", "language_confidence": None}
    for p in body["predictions"]:
        assert p["label"] in tiny_predictor.labels and abs(sum(p["scores"].values()) - 1) < 1e-4
    still_answers(live_server, tiny_predictor)


@pytest.mark.parametrize(("body", "status", "message"), [
    (b'{"texts": ["a", }', 400, "malformed JSON"),
    (b'{"texts": ["\xff\xfe bad"]}', 400, "not valid UTF-8"),
    (b'{"texts": []}', 422, "texts: List should have at least 1 item"),
    (b'{"texts": ["a"], "model": "/etc/passwd"}', 422, "model: Extra inputs are not permitted"),
    (json.dumps({"texts": ["a"] * 9}).encode(), 422, "texts: List should have at most 8 items"),
    (json.dumps({"texts": ["a" * 201]}).encode(), 422, "texts.0.text: String should have at most 200 characters"),
    (b'{"texts": [{"text": "a", "lang": "en"}]}', 422, "texts.0.object.lang: Extra inputs are not permitted"),
    (b'{"texts": [{"text": "a", "language": "../x"}]}', 422, "texts.0.object.language: String should match"),
    (b'{"texts": "a"}', 422, "texts: Input should be a valid list"),
    (b'[1, 2]', 422, "invalid request"),
    (b'{"texts": ["a"] ' + b" " * (10 * 1024 * 1024) + b"}", 413, "request body too large: at most 65536 bytes"),
])
def test_bad_requests_get_the_right_status_and_a_clear_message(live_server, tiny_predictor, body, status, message):
    r = post(live_server, body)
    assert r.status_code == status, r.text
    assert message in r.json()["detail"]
    assert r.json()["request_id"] == r.headers["X-Request-ID"]
    still_answers(live_server, tiny_predictor)


def test_a_streamed_body_over_the_limit_is_refused_without_content_length(live_server, tiny_predictor):
    def chunks():
        yield b'{"texts": ["'
        for _ in range(200):
            yield b"a" * 1024
        yield b'"]}'

    r = httpx.post(f"{live_server.url}/v1/predict", content=chunks(), headers={**AUTH, "Content-Type":
                                                                              "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["detail"]
    still_answers(live_server, tiny_predictor)


@pytest.mark.parametrize(("headers", "message"), [
    ({"Authorization": "Bearer wrong"}, "wrong bearer token"),
    ({"Authorization": ""}, "missing bearer token"),
])
def test_the_token_is_required_on_v1_but_not_on_health(live_server, tiny_predictor, headers, message):
    for path, method in (("/v1/predict", "POST"), ("/v1/info", "GET")):
        r = httpx.request(method, f"{live_server.url}{path}", json={"texts": ["a"]}, headers=headers)
        assert r.status_code == 401 and message in r.json()["detail"]
        assert r.headers["WWW-Authenticate"] == "Bearer"
    assert httpx.get(f"{live_server.url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{live_server.url}/readyz").json() == {"status": "ready"}
    still_answers(live_server, tiny_predictor)


def test_a_flood_past_the_queue_gets_503_with_retry_after_then_the_server_recovers(live_server, tiny_predictor):
    async def flood():
        async with httpx.AsyncClient(headers=AUTH, timeout=30) as client:
            return await asyncio.gather(*(client.post(f"{live_server.url}/v1/predict",
                                                      json={"texts": ["red cat", "blue dog"]}) for _ in range(60)))

    responses = asyncio.run(flood())
    codes = [r.status_code for r in responses]
    assert set(codes) <= {200, 503} and 200 in codes and 503 in codes, codes
    refused = next(r for r in responses if r.status_code == 503)
    assert int(refused.headers["Retry-After"]) >= 1 and "queue is full" in refused.json()["detail"]
    still_answers(live_server, tiny_predictor)
    metrics = httpx.get(f"{live_server.url}/metrics").text
    assert 'xlt_rejected_total{reason="queue_full"}' in metrics and "xlt_batch_texts_bucket" in metrics


def test_info_describes_the_model_and_its_evaluated_languages(live_server, tiny_run):
    info = httpx.get(f"{live_server.url}/v1/info", headers=AUTH).json()
    run_scores = json.loads((tiny_run / "metrics.json").read_text())["systems"]["xlt"]["languages"]
    assert info["model"] == tiny_run.name and "/" not in info["model"]  # no file system path
    assert info["task"] == "classification" and sorted(info["labels"]) == ["colour", "thing"]
    assert {lang: s["accuracy"] for lang, s in info["languages"].items()} == {
        lang: s["accuracy"] for lang, s in run_scores.items()}
    assert info["limits"]["max_texts"] == 8


def test_the_typed_client_predicts_and_raises_server_errors(live_server, tiny_predictor):
    with XltClient(live_server.url, token=TOKEN) as client:
        predictions = client.predict(["red cat", "der hund"], ["en", None])
        assert [p.label for p in predictions] == [s.label for s in tiny_predictor.predict(["red cat", "der hund"])]
        assert predictions[1].language_source == "detected"
        assert client.info().labels == tiny_predictor.labels and client.ready()
        with pytest.raises(XltServerError, match="422.*at most 8 items"):
            client.predict(["a"] * 9)
    with XltClient(live_server.url, token="nope") as client, pytest.raises(XltServerError, match="401"):
        client.predict(["a"])


def test_shutdown_finishes_requests_in_flight(tiny_run, tiny_predictor):
    from xlt.deploy.serve.app import create_app
    from xlt.deploy.serve.settings import ServeSettings

    class Slow:
        def __init__(self, inner) -> None:
            self.__dict__.update(inner.__dict__)
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def predict(self, texts):
            time.sleep(0.5)
            return self.inner.predict(texts)

    app = create_app(ServeSettings(model=tiny_run, batching=False), predictor=Slow(tiny_predictor))
    results: list[httpx.Response] = []
    with LiveServer(app) as server:
        threads = [threading.Thread(target=lambda: results.append(
            httpx.post(f"{server.url}/v1/predict", json={"texts": ["red cat"]}, timeout=30))) for _ in range(3)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while app.state.xlt.batcher.pending < 3 and time.monotonic() < deadline:
            time.sleep(0.01)  # until all three are queued or running
        server.server.should_exit = True
        for t in threads:
            t.join()
    assert [r.status_code for r in results] == [200, 200, 200]


def test_predicting_writes_nothing_to_stderr_where_the_json_logs_go(tiny_predictor, capfd):
    capfd.readouterr()
    assert len(tiny_predictor.predict(["red cat", "blau"])) == 2
    assert capfd.readouterr().err == ""  # no progress bar between the log lines
