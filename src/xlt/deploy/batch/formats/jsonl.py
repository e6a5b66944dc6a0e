"""JSON Lines: one object per line in; the input object with the prediction's fields added out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from xlt.deploy.batch.formats.base import STDIN, InputRow, LineWriter, RowFormat, binary_lines, count_lines, decode


class JsonlFormat(RowFormat):
    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")

    def read(self, path: Path | None) -> Iterator[InputRow]:
        where = str(path) if path else STDIN
        for lineno, raw in binary_lines(path):
            if not raw.strip():
                continue
            text, error = decode(raw, lineno)
            if error is None:
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as e:
                    error = f"not JSON: {e.msg} at column {e.colno}"
                else:
                    if isinstance(value, dict | str):
                        yield InputRow(where, lineno, None, value)
                        continue
                    error = f"a JSON object (or string) is needed, got {type(value).__name__}"
            yield InputRow(where, lineno, None, error=error)

    def count(self, path: Path) -> int:
        return count_lines(path)

    def writer(self, path: Path | None, resume_at: dict | None) -> JsonlWriter:
        return JsonlWriter(path, resume_at)


class JsonlWriter(LineWriter):
    def lines(self, rows: list[dict], predictions: list[BaseModel]) -> list[str]:
        return [json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in rows]  # dates: as text
