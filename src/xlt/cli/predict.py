"""``xlt predict``: run a model over a file of any size (or ``--text``s), streaming, resumable; or ask a server."""

from __future__ import annotations

import json
import sys
from itertools import islice
from pathlib import Path

import typer

from xlt.cli.common import console, friendly_errors
from xlt.device import DEVICE_HELP, DTYPE_HELP
from xlt.errors import ConfigError
from xlt.extras import require

EPILOG = """\
Inputs by task: classification a text (and text_pair); tagging tokens (a list) or a text split on whitespace;
QA question + context; translation a text. A plain-text file is one input per line; JSONL, CSV/TSV and Parquet
name the fields as columns (other columns are copied to the output).\n\n
Examples:\n\n
  xlt predict runs/demo-emoji-groups --text "I love it" --text "ça m'énerve"\n\n
  xlt predict runs/demo-emoji-groups -i tickets.jsonl -o labelled.jsonl --device cuda --batch-size 128\n\n
  xlt predict runs/ner -i sentences.txt -o tags.parquet --resume    (after a kill: continues where it stopped)\n\n
  xlt predict runs/qa -i questions.csv -o answers.csv --on-error skip   (bad rows to answers.csv.rejects.jsonl)\n\n
  xlt predict runs/demo-emoji-groups -i shards/ -o out/ --engine ray --workers 8   (Parquet/JSONL on a Ray cluster)
"""


@friendly_errors
def predict(
    model: Path = typer.Argument(None, help="a run, saved model, exported variant, transformers folder or hub id"),
    input_file: Path = typer.Option(None, "--input", "-i", help="a file or folder of shards ('-': stdin, the "
                                    "default); format by suffix: .jsonl .csv .tsv .txt .parquet"),
    output_file: Path = typer.Option(None, "--output", "-o", help="where predictions go ('-': stdout as JSON "
                                     "lines, the default); .parquet is a folder of part files"),
    text: list[str] = typer.Option(None, "--text", "-t", help="an input text instead of --input (repeatable)"),
    input_format: str = typer.Option(None, "--input-format", help="jsonl, csv, tsv, txt or parquet (default: by "
                                     "suffix; stdin: txt)"),
    output_format: str = typer.Option(None, "--output-format", help="as --input-format (stdout: jsonl)"),
    batch_size: int = typer.Option(None, "--batch-size", "--batch", min=1,
                                   help="inputs per forward pass (or per request with --server) [default: the "
                                        "task's, 64 for classification]"),
    chunk_size: int = typer.Option(8192, "--chunk-size", min=1, help="rows read, length-sorted, predicted and "
                                   "committed at once: larger pads less, a kill loses at most one chunk"),
    device: str = typer.Option("auto", "--device", help=DEVICE_HELP),
    dtype: str = typer.Option("auto", "--dtype", help=DTYPE_HELP),
    threads: int = typer.Option(None, "--threads", min=1, help="torch CPU threads (default: torch's)"),
    resume: bool = typer.Option(False, "--resume", help="continue an interrupted run into the same --output"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace an existing --output"),
    on_error: str = typer.Option("stop", "--on-error", help="a bad row: 'stop' (error naming file, line, field) "
                                 "or 'skip' (to the rejects file, with its line and reason)"),
    rejects: Path = typer.Option(None, "--rejects", help="where skipped rows go [default: <output>.rejects.jsonl]"),
    language: str = typer.Option(None, "--language", "-l", help="the inputs' language (per-language adapters; "
                                 "with --server: else detected)"),
    server: str = typer.Option(None, "--server", "-s", help="URL of an xlt serve instance instead of a model"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="a progress bar on stderr"),
    engine: str = typer.Option("local", "--engine", help="'local' (this process, streaming, resumable) or 'ray' "
                               "(an actor pool on a Ray cluster; Parquet or JSONL in, a folder of Parquet shards "
                               "out; pip install 'xlt[distributed]')"),
    address: str = typer.Option(None, "--address", help="--engine ray: the cluster to join (default: "
                                "$RAY_ADDRESS, else a cluster on this machine)"),
    workers: int = typer.Option(2, "--workers", min=1, help="--engine ray: actors, each with its model copy"),
    gpus_per_worker: float = typer.Option(0, "--gpus-per-worker", min=0, help="--engine ray: GPUs per actor"),
) -> None:
    """Predict with a model: JSON lines (or the --output file's format) of each input with its prediction."""
    if (model is None) == (server is None):
        raise ConfigError("give either a model (folder or hub id) or --server URL")
    if on_error not in ("stop", "skip"):
        raise ConfigError(f"--on-error must be 'stop' or 'skip', not {on_error!r}")
    if engine not in ("local", "ray"):
        raise ConfigError(f"--engine must be 'local' or 'ray', not {engine!r}")
    if server:
        return _ask_server(server, text, input_file, input_format, language, batch_size or 64)
    if engine == "ray":
        return _predict_with_ray(model, input_file, output_file, input_format, address=address, workers=workers,
                                 gpus_per_worker=gpus_per_worker, threads_per_worker=threads or 1,
                                 batch_size=batch_size, device=device, dtype=dtype, language=language,
                                 overwrite=overwrite)
    from xlt.deploy.predictor import Predictor

    predictor = Predictor(model, device=device, dtype=dtype, batch_size=batch_size, threads=threads, language=language)
    if text:
        for row, p in zip(text, predictor.predict(list(text)), strict=True):
            print(json.dumps(predictor.output_row(predictor.input_row(row), p), ensure_ascii=False))
        return
    from xlt.deploy.batch.stream import predict_file

    state = predict_file(predictor, input_file, output_file, input_format=input_format,
                         output_format=output_format, chunk_size=chunk_size, resume=resume, overwrite=overwrite,
                         on_error=on_error, rejects_path=rejects, progress=progress)
    if output_file is not None and str(output_file) != "-":
        rejected = f", {state.rejected} rejected" if state.rejected else ""
        console.print(f"{state.predicted} predictions{rejected} -> {output_file}")


def _predict_with_ray(model: Path, input_file: Path | None, output_file: Path | None, input_format: str | None,
                      **options) -> None:
    """``--engine ray``: the job on a Ray cluster (files only: no stdin, stdout or --text)."""
    require("distributed", "ray")
    if input_file is None or output_file is None or "-" in (str(input_file), str(output_file)):
        raise ConfigError("--engine ray needs --input and --output files (a folder of Parquet shards is written)")
    from xlt.deploy.batch.ray_engine import predict_with_ray

    job = predict_with_ray(model, input_file, output_file, input_format=input_format, **options)
    console.print(f"{job.rows} predictions by {job.workers} Ray workers in {job.seconds:.1f} s -> {job.output}")


def _ask_server(server: str, text: list[str] | None, input_file: Path | None, input_format: str | None,
                language: str | None, batch_size: int) -> None:
    """Send the texts to ``xlt serve`` in requests of ``batch_size``; print one JSON line per text."""
    require("serve", "httpx")
    from xlt.client import XltClient
    from xlt.deploy.batch.formats import format_of

    if text:
        texts = iter(text)
    else:
        source = None if input_file is None or str(input_file) == "-" else input_file
        rows = format_of(source, input_format, stream_default="txt").rows(source)
        texts = (_server_text(row) for row in rows)
    with XltClient(server) as client:
        while chunk := list(islice(texts, batch_size)):
            for t, p in zip(chunk, client.predict(chunk, [language] * len(chunk) if language else None),
                            strict=True):
                sys.stdout.write(json.dumps({"text": t, **p.model_dump()}, ensure_ascii=False) + "\n")


def _server_text(row) -> str:
    if row.error is not None:
        raise row.data_error()
    value = row.value.get("text") if isinstance(row.value, dict) else row.value
    if not isinstance(value, str):
        raise row.data_error("a string is needed", field="text")
    return value
