"""``xlt serve``: the prediction service (FastAPI + uvicorn) for one run or exported variant."""

from __future__ import annotations

from pathlib import Path

import typer

from xlt.cli.common import friendly_errors
from xlt.device import DEVICE_HELP, DTYPE_HELP
from xlt.extras import require


@friendly_errors
def serve(
    model: Path = typer.Argument(..., help="a run folder, saved model folder or exported variant (RUN/exports/X)",
                                 exists=True, file_okay=False),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (0.0.0.0: every interface)"),
    port: int = typer.Option(8000, "--port", "-p"),
    workers: int = typer.Option(1, "--workers", "-w", help="processes, each with its own copy of the model"),
    max_batch_size: int = typer.Option(32, "--max-batch-size", help="texts per forward pass at most"),
    max_wait_ms: float = typer.Option(5.0, "--max-wait-ms", help="how long a request waits for others to batch"),
    no_batching: bool = typer.Option(False, "--no-batching", help="one request, one forward pass"),
    queue_size: int = typer.Option(512, "--queue-size", help="texts waiting at most (then 503 + Retry-After)"),
    max_texts: int = typer.Option(64, "--max-texts", help="texts per request at most"),
    max_chars: int = typer.Option(2000, "--max-chars", help="characters per text at most"),
    max_body_bytes: int = typer.Option(1_000_000, "--max-body-bytes", help="request body size at most"),
    threads: int = typer.Option(None, "--threads", help="model threads per worker (default: torch's)"),
    device: str = typer.Option("auto", "--device", help=DEVICE_HELP),
    dtype: str = typer.Option("auto", "--dtype", help=DTYPE_HELP),
) -> None:
    """Serve predictions over HTTP: POST /v1/predict (classification, tagging, QA), GET /v1/info; the
    text-embeddings-inference routes POST /predict, POST /embed, GET /info, GET /health; OpenAI's
    POST /v1/embeddings; /healthz, /readyz, /metrics, /docs.

    Set XLT_API_TOKEN to require 'Authorization: Bearer <token>' on /v1/* and the TEI routes (not /health).
    Logs are JSON lines on stderr.
    """
    require("serve")
    from xlt.deploy.serve.run import run_server
    from xlt.deploy.serve.settings import ServeSettings

    settings = ServeSettings.with_env_token(
        model=model.resolve(), max_batch_size=max_batch_size, max_wait_ms=max_wait_ms, batching=not no_batching,
        queue_size=queue_size, max_texts=max_texts, max_chars=max_chars, max_body_bytes=max_body_bytes,
        threads=threads, device=device, dtype=dtype)
    run_server(settings, host=host, port=port, workers=workers)
