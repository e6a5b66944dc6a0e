"""``xlt predict``: classify texts with a server (``--server URL``) or a local run/variant; JSON lines out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from xlt.cli.common import friendly_errors
from xlt.errors import ConfigError


def _read_texts(texts: list[str] | None, input_file: Path | None) -> list[str]:
    if texts:
        return list(texts)
    lines = (input_file.read_text("utf-8") if input_file and str(input_file) != "-" else sys.stdin.read())
    return [line for line in lines.splitlines() if line.strip()]


@friendly_errors
def predict(
    model: Path = typer.Argument(None, help="a run, saved model or exported variant folder (local prediction)"),
    server: str = typer.Option(None, "--server", "-s", help="URL of an xlt serve instance instead of a local model"),
    text: list[str] = typer.Option(None, "--text", "-t", help="a text to classify (repeatable)"),
    input_file: Path = typer.Option(None, "--input", "-i", help="one text per line ('-': stdin, the default)"),
    language: str = typer.Option(None, "--language", "-l", help="the texts' language (server: else detected)"),
    batch: int = typer.Option(64, "--batch", help="texts per request to the server"),
) -> None:
    """Print one JSON line per text: text, label, score (and language with --server)."""
    if (model is None) == (server is None):
        raise ConfigError("give either a model folder or --server URL")
    texts = _read_texts(text, input_file)
    if server:
        from xlt.client import XltClient

        with XltClient(server) as client:
            for start in range(0, len(texts), batch):
                chunk = texts[start:start + batch]
                for t, p in zip(chunk, client.predict(chunk, [language] * len(chunk) if language else None),
                                strict=True):
                    print(json.dumps({"text": t, **p.model_dump()}, ensure_ascii=False))
        return
    from xlt.deploy.serve.predictor import Predictor

    predictor = Predictor(model)
    for t, s in zip(texts, predictor.predict(texts), strict=True):
        print(json.dumps({"text": t, "label": s.label, "score": s.score, "scores": s.scores}, ensure_ascii=False))
