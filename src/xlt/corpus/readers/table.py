"""Read JSONL, CSV and TSV files into the corpus schema, with configurable column names.

One file per language (``lang=...``) or a language column (``columns={"lang": ...}``). Without an id
column the id is the 0-based data row index, so line-aligned parallel files (XNLI, PAWS-X) share ids.
TSV is read with ``csv.QUOTE_NONE``: quote characters are text. Blank lines are skipped and counted.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "en.tsv"
>>> _ = p.write_text('text\\tlabel\\nA "good" game\\tsports\\n', encoding="utf-8")
>>> read_table(p, format="tsv", lang="en")[0]
{'id': '0', 'lang': 'en', 'text': 'A "good" game', 'label': 'sports'}
"""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import datasets
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xlt.corpus.readers.lines import numbered_lines
from xlt.corpus.schema import DEFAULT_LAYOUT, ID, LANG, RowProblem, get_layout, make_dataset
from xlt.errors import ConfigError, DataError

log = logging.getLogger(__name__)

TableFormat = Literal["jsonl", "csv", "tsv"]
TABLE_FORMATS: tuple[str, ...] = ("jsonl", "csv", "tsv")
ColumnRef = str | int


class Columns(BaseModel):
    """Where each schema field is in a file: a column name (header, ``names`` or JSON key) or 0-based index.

    A field left out is the column of its own name. ``id=None`` uses a column named ``id`` if the file has
    one, else the 0-based data row index. ``text_pair=None`` means single-text data; ``lang=None`` means the
    language comes from the spec. ``tokens``/``tags`` (tagging) and ``question``/``context``/``answers``
    (QA) are for row formats of those layouts.

    >>> Columns(text="sentence", label=2).label
    2
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ColumnRef | None = None
    text: ColumnRef | None = None
    text_pair: ColumnRef | None = None
    label: ColumnRef | None = None
    lang: ColumnRef | None = Field(default=None, description="language column; else one language per file")
    tokens: ColumnRef | None = None
    tags: ColumnRef | None = None
    question: ColumnRef | None = None
    context: ColumnRef | None = None
    answers: ColumnRef | None = None

    @property
    def pair(self) -> bool:
        """Whether the data are sentence pairs (a ``text_pair`` column is given)."""
        return self.text_pair is not None

    def check_layout(self, layout: str) -> None:
        """Raise ``ValueError`` if a column is given that ``layout`` has no field for.

        >>> Columns(tokens="words").check_layout("classification")
        Traceback (most recent call last):
        ...
        ValueError: columns ['tokens'] are not fields of classification data; its fields are ['text', 'label'] ...
        """
        fields = get_layout(layout).row_fields(self.pair)
        stray = [name for name, ref in self if ref is not None and name not in (ID, LANG, *fields)]
        if stray:
            raise ValueError(f"columns {stray} are not fields of {layout} data; its fields are {list(fields)} "
                             "(and id, lang)")

    def refs(self, *, auto_id: bool, layout: str = DEFAULT_LAYOUT) -> dict[str, ColumnRef]:
        """Schema field -> column, for the fields this file provides (``auto_id``: use an ``id`` column).

        >>> Columns().refs(auto_id=True)
        {'id': 'id', 'text': 'text', 'label': 'label'}
        >>> Columns(tags="ner_tags").refs(auto_id=False, layout="tagging")
        {'tokens': 'tokens', 'tags': 'ner_tags'}
        """
        refs: dict[str, ColumnRef | None] = {
            "id": self.id if self.id is not None else ("id" if auto_id else None), "lang": self.lang,
            **{name: getattr(self, name) if getattr(self, name) is not None else name
               for name in get_layout(layout).row_fields(self.pair)},
        }
        return {name: ref for name, ref in refs.items() if ref is not None}


@dataclass(frozen=True)
class _Field:
    name: str          # schema field
    key: ColumnRef     # JSON key or row index
    shown: str         # how an error message names the column


@dataclass
class _Stats:
    blank: int = 0


# A data row: schema field -> (column as shown in errors, raw value: a string from a text file, any value
# from a row format)
_Row = dict[str, tuple[str, Any]]


def read_table(path: str | Path, *, format: TableFormat = "tsv", lang: str | None = None,
               columns: Columns | Mapping[str, ColumnRef | None] | None = None, header: bool = True,
               names: Sequence[str] | None = None, languages: Collection[str] | None = None,
               limit: int | None = None) -> datasets.Dataset:
    """Read one JSONL/CSV/TSV file into a schema dataset.

    ``lang``: the file's language (else ``columns.lang`` names a language column, filtered by
    ``languages``). ``header=False``: columns are 0-based indices, or names given in ``names``
    (``names`` with ``header=True`` replaces the file's header). ``limit``: first rows per language.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "pairs.tsv"
    >>> _ = p.write_text("a\\tb\\t1\\n", encoding="utf-8")
    >>> read_table(p, lang="de", header=False, columns={"text": 0, "text_pair": 1, "label": 2})[0]
    {'id': '0', 'lang': 'de', 'text': 'a', 'text_pair': 'b', 'label': '1'}
    """
    cols = parse_columns(columns, path)
    _check_lang(cols, lang, limit, path)
    stats = _Stats()
    if format == "jsonl":
        rows = _json_rows(path, cols, stats)
    elif format in ("csv", "tsv"):
        rows = _delimited_rows(path, format, cols, header=header, names=names, stats=stats)
    else:
        raise ConfigError(f"unknown table format {format!r}; use one of {list(TABLE_FORMATS)}")

    return rows_to_dataset(rows, path, cols=cols, lang=lang, languages=languages, limit=limit, stats=stats)


def parse_columns(columns: Columns | Mapping[str, ColumnRef | None] | None, source: object,
                  layout: str = DEFAULT_LAYOUT) -> Columns:
    """``columns`` as :class:`Columns` for ``layout``; a bad mapping is a :class:`ConfigError` naming ``source``."""
    try:
        cols = columns if isinstance(columns, Columns) else Columns.model_validate(dict(columns or {}))
    except ValidationError as e:
        raise ConfigError(f"{source}: bad columns {dict(columns or {})}: {e.errors()[0]['msg']} "
                          f"({'.'.join(map(str, e.errors()[0]['loc']))})") from None
    try:
        cols.check_layout(layout)
    except ValueError as e:
        raise ConfigError(f"{source}: {e}") from None
    return cols


def _check_lang(cols: Columns, lang: str | None, limit: int | None, source: object) -> None:
    if (lang is None) == (cols.lang is None):
        raise ConfigError(f"{source}: give exactly one of a language for the whole file (lang) "
                          "or a language column (columns.lang)")
    if limit is not None and limit < 1:
        raise ConfigError(f"limit must be a positive number of rows, got {limit}")


def read_records(records: Iterable[Mapping[str, object]], source: str, *, lang: str | None = None,
                 columns: Columns | Mapping[str, ColumnRef | None] | None = None,
                 languages: Collection[str] | None = None, limit: int | None = None,
                 layout: str = DEFAULT_LAYOUT) -> datasets.Dataset:
    """Read dict rows (Parquet, a saved or hub data set, a DataFrame's records) into a dataset of ``layout``,
    with the same column mapping and checks as :func:`read_table`; the layout checks each row
    (:meth:`~xlt.corpus.schema.Layout.read_row`). Errors name ``source`` and the 1-based row:
    ``data.parquet: row 7: field 'text': empty text``.

    >>> read_records([{"sentence": "Hi", "gold": "pos"}], "mem", lang="en", columns={"text": "sentence",
    ...              "label": "gold"})[0]
    {'id': '0', 'lang': 'en', 'text': 'Hi', 'label': 'pos'}
    >>> read_records([{"words": ["Hi", "Bob"], "tags": ["O", "B-PER"]}], "mem", lang="en",
    ...              columns={"tokens": "words"}, layout="tagging")[0]
    {'id': '0', 'lang': 'en', 'tokens': ['Hi', 'Bob'], 'tags': ['O', 'B-PER']}
    """
    cols = parse_columns(columns, source, layout)
    _check_lang(cols, lang, limit, source)
    return rows_to_dataset(_record_rows(records, source, cols, layout), source, cols=cols, lang=lang,
                           languages=languages, limit=limit, stats=_Stats(), unit="row", layout=layout)


def rows_to_dataset(rows: Iterable[tuple[int, _Row]], source: str | Path, *, cols: Columns, lang: str | None,
                    languages: Collection[str] | None, limit: int | None, stats: _Stats,
                    unit: Literal["line", "row"] = "line", layout: str = DEFAULT_LAYOUT) -> datasets.Dataset:
    """The ``layout`` dataset of numbered rows (``unit``: the numbers are file lines or 1-based data rows):
    every row as its layout reads it, one id per language, ``limit`` rows per language, ``languages`` kept."""
    def at(number: int) -> dict[str, int]:
        return {unit: number}

    schema = get_layout(layout)
    fields = schema.row_fields(cols.pair)
    out: dict[str, list[Any]] = {name: [] for name in schema.column_names(cols.pair)}
    first_line: dict[tuple[str, str], int] = {}
    per_lang: Counter[str] = Counter()
    wanted = set(languages) if languages is not None and lang is None else None
    for row_index, (lineno, row) in enumerate(rows):
        for name in (ID, LANG):
            if name in row and not row[name][1].strip():
                raise DataError(f"empty {name}", path=source, field=row[name][0], **at(lineno))
        try:
            read = schema.read_row({name: row[name][1] for name in fields})
        except RowProblem as p:
            shown = row[p.field][0] + (f".{p.part}" if p.part else "")
            raise DataError(p.message, path=source, field=shown, **at(lineno)) from None
        row_lang = lang if lang is not None else row[LANG][1].strip()
        if wanted is not None and row_lang not in wanted:
            continue
        if limit is not None and per_lang[row_lang] >= limit:
            if lang is not None:
                break
            continue
        item = row[ID][1].strip() if ID in row else str(row_index)
        key = (item, row_lang)
        if key in first_line:
            raise DataError(f"duplicate id {item!r} (first on {unit} {first_line[key]}); an id names one item "
                            "per language", path=source, field=row[ID][0] if ID in row else "id", **at(lineno))
        first_line[key] = lineno
        per_lang[row_lang] += 1
        out[ID].append(item)
        out[LANG].append(row_lang)
        for name in fields:
            out[name].append(read[name])
    if stats.blank:
        log.info("%s: skipped %d blank line(s)", source, stats.blank)
    if not out[ID]:
        which = f" for languages {sorted(wanted)}" if wanted is not None else ""
        raise DataError(f"no data rows{which}", path=source)
    return make_dataset(out, pair=cols.pair, layout=layout)


def _record_fields(cols: Columns, keys: Collection[str], source: object, layout: str) -> list[_Field]:
    fields = []
    for name, ref in cols.refs(auto_id="id" in keys, layout=layout).items():
        if not isinstance(ref, str):
            raise ConfigError(f"{source}: columns of keyed rows are names, not indices: {name}={ref!r}")
        fields.append(_Field(name, ref, ref))
    return fields


def _record_value(f: _Field, obj: Mapping[str, object], source: str | Path, **at: int) -> tuple[str, Any]:
    """The raw value of field ``f``; ``id`` and ``lang`` as strings (the layout reads the others)."""
    value = _plain(obj.get(f.key))  # type: ignore[call-overload]
    if value is None:
        raise DataError(f"missing field (the {f.name} field)", path=source, field=f.shown, **at)
    if f.name not in (ID, LANG):
        return f.shown, value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DataError(f"{f.name} must be a string, found {type(value).__name__}",
                        path=source, field=f.shown, **at)
    return f.shown, str(value)


def _plain(value: Any) -> Any:
    """``value`` with numpy arrays and scalars (a DataFrame read from Parquet holds them) as Python values."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value.tolist() if hasattr(value, "tolist") and not isinstance(value, str) else value


def _record_rows(records: Iterable[Mapping[str, object]], source: str, cols: Columns,
                 layout: str = DEFAULT_LAYOUT) -> Iterator[tuple[int, _Row]]:
    fields: list[_Field] | None = None
    for number, obj in enumerate(records, start=1):
        if fields is None:
            fields = _record_fields(cols, obj.keys(), source, layout)
        yield number, {f.name: _record_value(f, obj, source, row=number) for f in fields}


def _json_rows(path: str | Path, cols: Columns, stats: _Stats) -> Iterator[tuple[int, _Row]]:
    fields: list[_Field] | None = None
    for lineno, line in numbered_lines(path):
        if not line.strip():
            stats.blank += 1
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataError(f"malformed JSON: {e.msg} (column {e.colno})", path=path, line=lineno) from None
        if not isinstance(obj, dict):
            raise DataError(f"expected a JSON object, found {type(obj).__name__}", path=path, line=lineno)
        if fields is None:
            fields = _record_fields(cols, obj.keys(), path, DEFAULT_LAYOUT)
        yield lineno, {f.name: _record_value(f, obj, path, line=lineno) for f in fields}


def _delimited_rows(path: str | Path, format: str, cols: Columns, *, header: bool,
                    names: Sequence[str] | None, stats: _Stats) -> Iterator[tuple[int, _Row]]:
    kind = "tab-separated" if format == "tsv" else "comma-separated"
    lines = (line for _, line in numbered_lines(path))
    if format == "tsv":
        reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(lines, strict=True)
    col_names: list[str] | None = list(names) if names is not None else None
    fields: list[_Field] | None = None
    width = 0
    try:
        for cells in reader:
            lineno = reader.line_num
            if not any(cell.strip() for cell in cells):
                stats.blank += 1
                continue
            if fields is None:
                if header and col_names is None:
                    col_names = [cell.strip() for cell in cells]
                width = len(col_names) if col_names is not None else len(cells)
                fields = _locate(cols, col_names, width, path, lineno)
                if header:
                    continue
            if len(cells) != width:
                hint = "" if len(cells) < width else " (a tab or delimiter inside the text?)"
                raise DataError(f"expected {width} {kind} columns, found {len(cells)}{hint}", path=path,
                                line=lineno, field=_column_name(col_names, min(len(cells), width)))
            yield lineno, {f.name: (f.shown, cells[f.key]) for f in fields}  # type: ignore[index]
    except csv.Error as e:
        raise DataError(f"malformed {format.upper()}: {e}", path=path, line=reader.line_num) from None


def _locate(cols: Columns, col_names: list[str] | None, width: int, path: str | Path,
            lineno: int) -> list[_Field]:
    fields = []
    for name, ref in cols.refs(auto_id=col_names is not None and "id" in col_names).items():
        if isinstance(ref, int):
            if ref < 0:
                raise ConfigError(f"{path}: column index must be 0 or more: {name}={ref}")
            shown = _column_name(col_names, ref)
            if ref >= width:
                raise DataError(f"missing column (the {name} column is column {ref + 1}, "
                                f"the file has {width})", path=path, line=lineno, field=shown)
            fields.append(_Field(name, ref, shown))
        elif col_names is None:
            raise ConfigError(f"{path}: the file has no header, so give the {name} column as a 0-based "
                              f"index or give the column names (names: [...]), not {ref!r}")
        elif ref not in col_names:
            raise DataError(f"missing column (the {name} column); the columns are {col_names}",
                            path=path, line=lineno, field=ref)
        else:
            fields.append(_Field(name, col_names.index(ref), ref))
    return fields



def _column_name(col_names: list[str] | None, index: int) -> str:
    """How an error names the column at 0-based ``index``: its name, else "column N" (1-based)."""
    return col_names[index] if col_names is not None and index < len(col_names) else f"column {index + 1}"
