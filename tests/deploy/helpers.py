"""Helpers of the deployment tests: the toy rows the tiny run trains on, a live server, the API token."""

from __future__ import annotations

from tests.helpers import COLOURS, THINGS

#: The bearer token the live test server requires on /v1.
TOKEN = "test-token-123"


def deploy_toy_rows(lang: str) -> list[dict]:
    """The toy task's 24 rows in ``lang`` as the deploy tests' run learns them (colour words in another
    order than :func:`tests.helpers.toy_rows`)."""
    rows = []
    for i in range(24):
        colour = i % 2 == 0
        word = COLOURS[lang][i % 4 == 0] if colour else THINGS[lang][i % 6]
        rows.append({"id": f"item{i}", "text": f"{word} {THINGS[lang][(i * 7) % 6]}",
                     "label": "colour" if colour else "thing"})
    return rows


class LiveServer:
    """``uvicorn`` serving ``app`` on a free loopback port in a background thread."""

    def __init__(self, app) -> None:
        import threading

        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                                    timeout_graceful_shutdown=10))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)

