"""``predict_file``: a file of any size through a :class:`~xlt.deploy.predictor.Predictor`, chunk by chunk.

Memory stays at one chunk of rows whatever the input's size. After each chunk the output (and the rejects
file) is flushed to disk, then the progress record says so; ``resume=True`` cuts the output back to the last
record and continues with the next input row, so a killed run loses at most one chunk of work.
"""

from __future__ import annotations

import json
import logging
from itertools import islice
from pathlib import Path
from typing import Literal

from tqdm.auto import tqdm

from xlt.deploy.batch.formats import InputRow, format_of
from xlt.deploy.batch.progress import PredictProgress
from xlt.errors import ConfigError, DataError

log = logging.getLogger("xlt")

OnError = Literal["stop", "skip"]


def predict_file(predictor, input_path: str | Path | None, output_path: str | Path | None, *,
                 input_format: str | None = None, output_format: str | None = None, chunk_size: int = 8192,
                 resume: bool = False, overwrite: bool = False, on_error: OnError = "stop",
                 rejects_path: str | Path | None = None, progress: bool = True) -> PredictProgress:
    """Predict every row of ``input_path`` (a file, a folder of shards, or ``None``/``-`` for stdin) into
    ``output_path`` (``None``/``-``: stdout); returns the final progress record.

    ``on_error="stop"`` raises a :class:`~xlt.errors.DataError` naming the file, line (or row) and field of the
    first bad row, after writing the chunks before it; ``"skip"`` writes bad rows with their place and reason
    to ``rejects_path`` (default: beside the output, ``<output>.rejects.jsonl``) and goes on.
    """
    if chunk_size < 1:
        raise ConfigError(f"chunk size must be at least 1, got {chunk_size}")
    if on_error not in ("stop", "skip"):
        raise ConfigError(f"on_error must be 'stop' or 'skip', got {on_error!r}")
    source = None if input_path is None or str(input_path) == "-" else Path(input_path)
    target = None if output_path is None or str(output_path) == "-" else Path(output_path)
    reader = format_of(source, input_format, stream_default="txt")
    writer_format = format_of(target, output_format, stream_default="jsonl")
    for fmt, path, side in ((reader, source, "input"), (writer_format, target, "output")):
        if path is None and not fmt.streams:
            raise ConfigError(f"{fmt.name} {side} needs a file name, not stdin/stdout")
    if source is not None and not source.exists():
        raise DataError("file not found", path=source)
    state = _start(predictor, source, target, writer_format.name, resume=resume, overwrite=overwrite)
    if state.finished:
        log.info("%s is complete (%d rows); nothing to do", target, state.rows_done)
        return state
    if rejects_path is None:
        rejects_path = target.with_name(target.name + ".rejects.jsonl") if target else Path("rejects.jsonl")
    rejects_path = Path(rejects_path)
    writer = writer_format.writer(target, state.output_at if state.rows_done else None)
    rows = islice(reader.rows(source), state.rows_done, None)  # done rows are read again, not predicted
    with _Rejects(rejects_path, state.rejects_at) as rejects, \
            tqdm(total=reader.total(source), initial=state.rows_done, unit="row", desc="predicting",
                 disable=None if progress else True, dynamic_ncols=True) as bar:  # None: on a terminal
        try:
            while chunk := list(islice(rows, chunk_size)):
                good, bad = _checked(predictor, chunk)
                if bad and on_error == "stop":
                    row, message, field = bad[0]
                    raise row.data_error(message, field)
                predictions = predictor.predict_rows([r for _, r in good]) if good else []
                writer.write([predictor.output_row(r, p) for (_, r), p in zip(good, predictions, strict=True)],
                             predictions)
                state.output_at = writer.commit()
                state.rejects_at = rejects.write(bad)
                state.rows_done += len(chunk)
                state.predicted += len(good)
                state.rejected += len(bad)
                if target is not None:
                    state.save(target)  # only now: the output and rejects are durable
                bar.update(len(chunk))
        finally:
            writer.close()
    state.finished = True
    if target is not None:
        state.save(target)
    if state.rejected:
        log.warning("%d row(s) rejected: see %s", state.rejected, rejects_path)
    return state


def _start(predictor, source: Path | None, target: Path | None, output_format: str, *, resume: bool,
           overwrite: bool) -> PredictProgress:
    """A fresh progress record, or with ``resume`` the saved one (checked to be this job's)."""
    fresh = PredictProgress(input=str(source or "-"), model=str(predictor.path), output_format=output_format)
    if target is None:
        if resume:
            raise ConfigError("--resume needs an output file (-o), not stdout")
        return fresh
    saved = PredictProgress.read(target)
    if resume and saved is not None:
        for field in ("input", "model", "output_format"):
            if getattr(saved, field) != getattr(fresh, field):
                raise ConfigError(f"{PredictProgress.path_for(target)}: this output was made with {field} "
                                  f"{getattr(saved, field)!r}, not {getattr(fresh, field)!r}; use another output")
        return saved
    if target.exists() and not overwrite:
        hint = "it has no progress record to resume from; " if resume else "--resume to continue it or "
        raise ConfigError(f"{target} exists; {hint}--overwrite to start again")
    if target.is_dir():
        for part in target.glob("part-*.parquet"):
            part.unlink()
    fresh.save(target)  # from now on a kill leaves a record to resume from
    return fresh


def _checked(predictor, chunk: list[InputRow]) -> tuple[list[tuple[InputRow, dict]], list[tuple]]:
    """``(good: (row, input row)), (bad: (row, message, field))`` of a chunk."""
    good, bad = [], []
    for row in chunk:
        if row.error is not None:
            bad.append((row, row.error, row.field))
            continue
        try:
            good.append((row, predictor.input_row(row.value)))
        except DataError as e:  # the task names the field; the row knows the file and line
            bad.append((row, e.message, e.field))
    return good, bad


class _Rejects:
    """The rejects file (JSON lines: file, line or row, field, error, the row), opened on the first bad row."""

    def __init__(self, path: Path, resume_at: int) -> None:
        self.path, self.size, self.stream = path, resume_at, None

    def __enter__(self) -> _Rejects:
        if self.size or self.path.exists():
            self._open()
        return self

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.stream = self.path.open("r+b" if self.path.exists() else "wb")
        self.stream.truncate(self.size)
        self.stream.seek(self.size)

    def write(self, bad: list[tuple]) -> int:
        if not bad:
            return self.size
        if self.stream is None:
            self._open()
        for row, message, field in bad:
            record = {"file": row.path, "line": row.line, "row": row.row, "field": field, "error": message,
                      "input": row.value}
            self.stream.write((json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8"))
        self.stream.flush()
        import os

        os.fsync(self.stream.fileno())
        self.size = self.stream.tell()
        return self.size

    def __exit__(self, *exc) -> None:
        if self.stream is not None:
            self.stream.close()
