"""Errors that name where bad input came from (file, line, field)."""

from __future__ import annotations

from pathlib import Path


class XltError(Exception):
    """Base class of every error xlt raises on purpose (shown without a traceback by the CLI)."""


class DataError(XltError, ValueError):
    """Bad input data. The message names the file, the 1-based line and the field when known.

    >>> print(DataError("empty text", path="de.tsv", line=12, field="text"))
    de.tsv:12: field 'text': empty text

    Data that has rows but no lines (Parquet, a saved or in-memory data set) names the 1-based ``row``:

    >>> print(DataError("empty value", path="data.parquet", row=7, field="text"))
    data.parquet: row 7: field 'text': empty value
    """

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 field: str | None = None, row: int | None = None) -> None:
        self.message, self.path, self.line, self.field, self.row = message, path, line, field, row
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        elif line is not None:
            where = f"line {line}: "
        if row is not None:
            where += f"row {row}: "
        if field is not None:
            where += f"field {field!r}: "
        super().__init__(where + message)


class ModelError(XltError):
    """A model could not be found, loaded or converted."""


class ConfigError(XltError, ValueError):
    """A configuration value is missing or wrong."""
