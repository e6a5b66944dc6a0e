"""Plain text: one input per non-blank line in (a text, or for tagging a sentence split on whitespace); out,
one line per prediction in its plain form (a label, the tags, an answer, a translation)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from xlt.deploy.batch.formats.base import STDIN, InputRow, LineWriter, RowFormat, binary_lines, count_lines, decode


def plain(prediction: BaseModel) -> str:
    """A prediction as one line: the record's ``as_text()``, else its first field."""
    as_text = getattr(prediction, "as_text", None)
    value = as_text() if as_text else next(iter(prediction.model_dump().values()))
    return str(value).replace("\n", " ")


class TextFormat(RowFormat):
    name = "txt"
    suffixes = (".txt",)

    def read(self, path: Path | None) -> Iterator[InputRow]:
        where = str(path) if path else STDIN
        for lineno, raw in binary_lines(path):
            text, error = decode(raw, lineno)
            if error is not None:
                yield InputRow(where, lineno, None, error=error)
            elif text.strip():
                yield InputRow(where, lineno, None, text.rstrip("\r\n"))

    def count(self, path: Path) -> int:
        return count_lines(path)

    def writer(self, path: Path | None, resume_at: dict | None) -> TextWriter:
        return TextWriter(path, resume_at)


class TextWriter(LineWriter):
    def lines(self, rows: list[dict], predictions: list[BaseModel]) -> list[str]:
        return [plain(p) + "\n" for p in predictions]
