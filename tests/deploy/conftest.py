"""Fixtures for the deployment tests: one tiny trained run (2-layer BERT, toy en/de/fr data) per session."""

from __future__ import annotations

from pathlib import Path

import pytest

COLOURS = {"en": ["red", "blue"], "de": ["rot", "blau"], "fr": ["rouge", "bleu"]}
THINGS = {"en": ["cat", "dog", "house", "car", "tree", "sun"], "de": ["katze", "hund", "haus", "auto", "baum", "sonne"],
          "fr": ["chat", "chien", "maison", "voiture", "arbre", "soleil"]}


def write_jsonl(path: Path, rows: list[dict]) -> None:
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def toy_rows(lang: str) -> list[dict]:
    rows = []
    for i in range(24):
        colour = i % 2 == 0
        word = COLOURS[lang][i % 4 == 0] if colour else THINGS[lang][i % 6]
        rows.append({"id": f"item{i}", "text": f"{word} {THINGS[lang][(i * 7) % 6]}",
                     "label": "colour" if colour else "thing"})
    return rows


@pytest.fixture(scope="session")
def tiny_run(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trained run folder on the tiny model (a few seconds), shared read-only by the deploy tests."""
    from xlt.finetune.config import TrainConfig
    from xlt.finetune.train import train

    root = tmp_path_factory.mktemp("deploy")
    for lang in COLOURS:
        write_jsonl(root / "toy" / f"{lang}.jsonl", toy_rows(lang))
    config = TrainConfig.validated({
        "name": "toy", "output_dir": str(root / "runs"),
        "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "jsonl", "path": str(root / "toy" / "{lang}.jsonl"),
                          "languages": ["en", "de", "fr"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25, "seed": 0}, "source_languages": ["en"]},
        "strategy": {"name": "full"},
        "training": {"epochs": 3, "batch_size": 4, "learning_rate": 1e-3},
        "evaluation": {"bootstrap_resamples": 20, "baselines": []},
    })
    return train(config).root


@pytest.fixture(scope="session")
def toy_jsonl(tiny_run: Path) -> Path:
    """The toy data as ``{lang}`` JSONL files (a data spec path for ``xlt evaluate``)."""
    return tiny_run.parent.parent / "toy"


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


TOKEN = "test-token-123"


@pytest.fixture(scope="session")
def tiny_predictor(tiny_run: Path):
    from xlt.deploy.serve.predictor import Predictor

    return Predictor(tiny_run)


@pytest.fixture(scope="module")
def live_server(tiny_run: Path, tiny_predictor):
    """The service on the tiny run with small limits and a token, running on loopback."""
    from xlt.deploy.serve.app import create_app
    from xlt.deploy.serve.settings import ServeSettings

    settings = ServeSettings(model=tiny_run, max_batch_size=4, max_wait_ms=20, queue_size=8, max_texts=8,
                             max_chars=200, max_body_bytes=64 * 1024, api_token=TOKEN)
    with LiveServer(create_app(settings, predictor=tiny_predictor)) as server:
        yield server
