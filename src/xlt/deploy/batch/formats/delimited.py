"""CSV and TSV with a header row: columns in; the input columns with the prediction's fields added out
(lists and mappings, e.g. ``scores``, as JSON in their cell)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel

from xlt.deploy.batch.formats.base import STDIN, InputRow, LineWriter, RowFormat, binary_lines, count_lines, decode
from xlt.errors import DataError


class CsvFormat(RowFormat):
    name = "csv"
    suffixes = (".csv",)
    delimiter: ClassVar[str] = ","

    def read(self, path: Path | None) -> Iterator[InputRow]:
        where = str(path) if path else STDIN
        lines = _text_lines(path, where)
        reader = csv.reader(lines, delimiter=self.delimiter)
        header = next(reader, None)
        if header is None:
            return
        start = reader.line_num + 1
        for record in reader:
            if not any(cell.strip() for cell in record):
                start = reader.line_num + 1
                continue
            if len(record) != len(header):
                yield InputRow(where, start, None, error=f"{len(record)} columns, the header has {len(header)}")
            else:
                yield InputRow(where, start, None, dict(zip(header, record, strict=True)))
            start = reader.line_num + 1

    def count(self, path: Path) -> int:
        return max(count_lines(path) - 1, 0)  # the header; a quoted line break makes this an estimate

    def writer(self, path: Path | None, resume_at: dict | None) -> DelimitedWriter:
        return DelimitedWriter(path, resume_at, self.delimiter)


class TsvFormat(CsvFormat):
    name = "tsv"
    suffixes = (".tsv",)
    delimiter = "\t"


def _text_lines(path: Path | None, where: str) -> Iterator[str]:
    # a cell may span lines, so a bad byte stops the file instead of skipping one row
    for lineno, raw in binary_lines(path):
        text, error = decode(raw, lineno)
        if error is not None:
            raise DataError(error, path=where, line=lineno)
        yield text


class DelimitedWriter(LineWriter):
    def __init__(self, path: Path | None, resume_at: dict | None, delimiter: str) -> None:
        super().__init__(path, resume_at)
        self.delimiter = delimiter
        self.columns: list[str] | None = (resume_at or {}).get("columns")

    def lines(self, rows: list[dict], predictions: list[BaseModel]) -> list[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator="\n")
        if self.columns is None:  # the first chunk fixes the header
            self.columns = list(dict.fromkeys(k for row in rows for k in row))
            writer.writerow(self.columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in self.columns])
        return [buffer.getvalue()]

    def commit(self) -> dict:
        return {**super().commit(), "columns": self.columns}


def _cell(value) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else str(value)
