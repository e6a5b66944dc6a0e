"""Row formats of ``xlt predict`` input and output, chosen by suffix (or named with ``--input-format`` /
``--output-format``). A new format is one :class:`RowFormat` subclass in its own file plus one
:func:`register_format` line.

>>> format_of("reviews.jsonl").name, format_of("out/parquet-folder", "parquet").name, format_of(None).name
('jsonl', 'parquet', 'jsonl')
"""

from __future__ import annotations

from pathlib import Path

from xlt.deploy.batch.formats.base import InputRow, RowFormat, RowWriter
from xlt.deploy.batch.formats.delimited import CsvFormat, TsvFormat
from xlt.deploy.batch.formats.jsonl import JsonlFormat
from xlt.deploy.batch.formats.parquet import ParquetFormat
from xlt.deploy.batch.formats.text import TextFormat
from xlt.errors import ConfigError

FORMATS: dict[str, RowFormat] = {}


def register_format(fmt: RowFormat) -> RowFormat:
    """Make ``fmt`` selectable by its name and its suffixes."""
    FORMATS[fmt.name] = fmt
    return fmt


register_format(JsonlFormat())
register_format(CsvFormat())
register_format(TsvFormat())
register_format(TextFormat())
register_format(ParquetFormat())


def format_of(path: str | Path | None, name: str | None = None, *, stream_default: str = "jsonl") -> RowFormat:
    """The format called ``name``, else the one ``path``'s suffix selects (a folder: of its files), else for
    stdin/stdout (``None`` or ``-``) ``stream_default``."""
    if name is None:
        if path is None or str(path) == "-":
            name = stream_default
        else:
            path = Path(path)
            suffix = path.suffix.lower() if not path.is_dir() else _folder_suffix(path)
            name = next((f.name for f in FORMATS.values() if suffix in f.suffixes), None)
            if name is None:
                raise ConfigError(f"{path}: no row format for suffix {suffix!r}; known: "
                                  f"{', '.join(s for f in FORMATS.values() for s in f.suffixes)} "
                                  "(or name one with --input-format/--output-format)")
    if name not in FORMATS:
        raise ConfigError(f"unknown row format {name!r}; known: {', '.join(FORMATS)}")
    return FORMATS[name]


def _folder_suffix(folder: Path) -> str:
    suffixes = {p.suffix.lower() for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "_"))}
    return suffixes.pop() if len(suffixes) == 1 else ""


__all__ = ["FORMATS", "InputRow", "RowFormat", "RowWriter", "format_of", "register_format"]
