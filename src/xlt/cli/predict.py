"""``xlt predict``: classify texts with a server (``--server URL``) or a local run/variant; JSON lines out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from xlt.cli.common import friendly_errors
from xlt.device import DEVICE_HELP
from xlt.errors import ConfigError, DataError
from xlt.extras import require

STDIN = "<stdin>"


def _read_texts(texts: list[str] | None, input_file: Path | None) -> list[str]:
    """The ``--text`` values, else the non-blank lines of ``--input`` (or stdin), read as UTF-8: a bad byte is
    a :class:`DataError` naming the file and its line."""
    if texts:
        return list(texts)
    if input_file is not None and str(input_file) != "-":
        from xlt.corpus.readers.lines import numbered_lines

        lines = [line for _, line in numbered_lines(input_file)]
    else:
        lines = [_stdin_text()]
    return [part for line in lines for part in line.splitlines() if part.strip()]


def _stdin_text() -> str:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return sys.stdin.read()
    data = stream.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(f"not UTF-8: byte 0x{data[e.start]:02x}; give the texts as UTF-8", path=STDIN,
                        line=data.count(b"\n", 0, e.start) + 1) from None


@friendly_errors
def predict(
    model: Path = typer.Argument(None, help="a run, saved model or exported variant folder (local prediction)"),
    server: str = typer.Option(None, "--server", "-s", help="URL of an xlt serve instance instead of a local model"),
    text: list[str] = typer.Option(None, "--text", "-t", help="a text to classify (repeatable)"),
    input_file: Path = typer.Option(None, "--input", "-i", help="one text per line ('-': stdin, the default)"),
    language: str = typer.Option(None, "--language", "-l", help="the texts' language (server: else detected)"),
    batch: int = typer.Option(64, "--batch", help="texts per request to the server"),
    device: str = typer.Option("auto", "--device", help=DEVICE_HELP),
) -> None:
    """Print one JSON line per text: text, label, score (and language with --server)."""
    if (model is None) == (server is None):
        raise ConfigError("give either a model folder or --server URL")
    texts = _read_texts(text, input_file)
    if server:
        require("serve", "httpx")
        from xlt.client import XltClient

        with XltClient(server) as client:
            for start in range(0, len(texts), batch):
                chunk = texts[start:start + batch]
                for t, p in zip(chunk, client.predict(chunk, [language] * len(chunk) if language else None),
                                strict=True):
                    print(json.dumps({"text": t, **p.model_dump()}, ensure_ascii=False))
        return
    from xlt.deploy.serve.predictor import Predictor

    predictor = Predictor(model, device=device)
    for t, s in zip(texts, predictor.predict(texts), strict=True):
        print(json.dumps({"text": t, "label": s.label, "score": s.score, "scores": s.scores}, ensure_ascii=False))
