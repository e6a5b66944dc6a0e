"""What a row format is: a reader of numbered rows and a writer that can be resumed where it was committed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from pydantic import BaseModel

from xlt.errors import DataError

STDIN = "<stdin>"


@dataclass(frozen=True)
class InputRow:
    """One input row and where it came from; ``error`` (with ``field``) instead of ``value`` when unreadable."""

    path: str
    line: int | None  # text formats: the 1-based line the row starts on
    row: int | None  # Parquet: the 1-based row of the file
    value: Any = None
    error: str | None = None
    field: str | None = None

    def data_error(self, message: str | None = None, field: str | None = None) -> DataError:
        return DataError(message or self.error or "bad row", path=self.path, line=self.line, row=self.row,
                         field=field or self.field)


class RowWriter:
    """Writes prediction rows; :meth:`commit` makes them durable and returns where the output now ends."""

    def write(self, rows: list[dict], predictions: list[BaseModel]) -> None:
        raise NotImplementedError

    def commit(self) -> dict:
        raise NotImplementedError

    def close(self) -> None:
        """Release the output (after the last commit)."""


class RowFormat:
    """A file format of prediction inputs and outputs: its name, the suffixes that select it, and how to read
    rows from and write rows to it. A new format is one subclass plus one :func:`register_format` call."""

    name: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]]
    #: stdin/stdout can carry it (Parquet needs a seekable file)
    streams: ClassVar[bool] = True

    def read(self, path: Path | None) -> Iterator[InputRow]:
        """The rows of the file ``path`` (``None``: stdin) in order."""
        raise NotImplementedError

    def count(self, path: Path) -> int | None:
        """How many rows the file ``path`` has, cheaply (for the progress bar), or ``None`` if unknown."""
        return None

    def rows(self, path: Path | None) -> Iterator[InputRow]:
        """The rows of a file, of stdin (``None``), or of every file of a folder of shards in name order."""
        for part in shards(path):
            yield from self.read(part)

    def total(self, path: Path | None) -> int | None:
        """:meth:`count` over the shards (``None`` for stdin)."""
        if path is None:
            return None
        counts = [self.count(part) for part in shards(path)]
        return None if None in counts else sum(counts)

    def writer(self, path: Path | None, resume_at: dict | None) -> RowWriter:
        """A writer to ``path`` (``None``: stdout); ``resume_at``: a :meth:`RowWriter.commit` result to
        continue after, dropping anything written after it."""
        raise NotImplementedError


def shards(path: Path | None) -> list[Path | None]:
    """``[path]``, or the visible files of the folder ``path`` in name order."""
    if path is None or not path.is_dir():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "_")))


def binary_lines(path: Path | None) -> Iterator[tuple[int, bytes]]:
    """``(1-based line number, raw line)`` of a file, or of stdin when ``path`` is ``None``."""
    stream: BinaryIO = sys.stdin.buffer if path is None else _open(path)
    try:
        yield from enumerate(stream, start=1)
    finally:
        if path is not None:
            stream.close()


def decode(raw: bytes, lineno: int) -> tuple[str | None, str | None]:
    """``(text, None)``, or ``(None, why)`` for a line that is not UTF-8 (a BOM on line 1 is dropped)."""
    if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as e:
        return None, f"not UTF-8: byte 0x{raw[e.start]:02x} at column {e.start + 1}; save the file as UTF-8"


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise DataError("file not found", path=path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a file", path=path) from None


def count_lines(path: Path) -> int:
    """Newlines in ``path`` (+1 for a last line without one), read in 1 MiB blocks."""
    n, last = 0, b"\n"
    with _open(path) as f:
        while block := f.read(1 << 20):
            n += block.count(b"\n")
            last = block[-1:]
    return n + (last != b"\n")


class LineWriter(RowWriter):
    """Appends lines to a file (cut back to the committed size on resume) or to stdout."""

    def __init__(self, path: Path | None, resume_at: dict | None) -> None:
        self.to_file = path is not None
        if path is None:
            self.stream: BinaryIO = sys.stdout.buffer
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.stream = path.open("r+b" if resume_at else "wb")
            if resume_at:
                self.stream.truncate(resume_at["bytes"])  # a chunk written after the last commit goes
                self.stream.seek(resume_at["bytes"])

    def lines(self, rows: list[dict], predictions: list[BaseModel]) -> list[str]:
        raise NotImplementedError

    def write(self, rows: list[dict], predictions: list[BaseModel]) -> None:
        self.stream.write("".join(self.lines(rows, predictions)).encode("utf-8"))

    def commit(self) -> dict:
        self.stream.flush()
        if not self.to_file:
            return {}
        import os

        os.fsync(self.stream.fileno())  # durable before the progress record says so
        return {"bytes": self.stream.tell()}

    def close(self) -> None:
        if self.to_file:
            self.stream.close()
        else:
            self.stream.flush()
