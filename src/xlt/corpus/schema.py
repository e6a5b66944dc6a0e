"""The table layouts corpus readers return, and a check for them.

A :class:`Layout` is a kind of labelled table; every layout has ``id`` (item id, shared by the translations
of one item) and ``lang``. A task (:mod:`xlt.finetune.tasks`) names the layout it reads. The layouts:

- ``classification``: ``text``, ``text_pair`` (sentence-pair data only) and ``label`` (the label *name*;
  labels stay strings). All columns are strings.
- ``tagging`` (NER, POS): ``tokens`` (the words, ``List(string)``) and ``tags`` (one tag per word,
  ``List(string)``).
- ``qa`` (extractive QA): ``question`` and ``context`` (strings) and ``answers``, the Hugging Face SQuAD
  struct ``{"text": List(string), "answer_start": List(int32)}`` (character offsets into ``context``).

>>> ds = make_dataset({"id": ["1"], "lang": ["en"], "text": ["Hi"], "label": ["greeting"]})
>>> validate_dataset(ds, source="demo").column_names
['id', 'lang', 'text', 'label']
>>> tagged = make_dataset({"id": ["s1"], "lang": ["en"], "tokens": [["Hi", "Bob"]], "tags": [["O", "B-PER"]]})
>>> layout_of(tagged.column_names), validate_dataset(tagged)[0]["tags"]
('tagging', ['O', 'B-PER'])
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import datasets

from xlt.errors import DataError

ID = "id"
LANG = "lang"
TEXT = "text"
TEXT_PAIR = "text_pair"
LABEL = "label"

#: Column order of a single-text dataset.
COLUMNS: tuple[str, ...] = (ID, LANG, TEXT, LABEL)
#: Column order of a sentence-pair dataset.
PAIR_COLUMNS: tuple[str, ...] = (ID, LANG, TEXT, TEXT_PAIR, LABEL)
#: Columns whose values must not be empty or blank.
NON_EMPTY: tuple[str, ...] = (ID, LANG, TEXT, TEXT_PAIR, LABEL)

TOKENS = "tokens"
TAGS = "tags"
QUESTION = "question"
CONTEXT = "context"
ANSWERS = "answers"
#: The two lists of the ``answers`` struct.
ANSWER_TEXT = "text"
ANSWER_START = "answer_start"

#: Column order of a tagging dataset.
TAGGING_COLUMNS: tuple[str, ...] = (ID, LANG, TOKENS, TAGS)
#: Column order of an extractive-QA dataset.
QA_COLUMNS: tuple[str, ...] = (ID, LANG, QUESTION, CONTEXT, ANSWERS)

_STRING = datasets.Value("string")


def column_names(pair: bool) -> tuple[str, ...]:
    """The schema's column names, with ``text_pair`` when ``pair`` is true.

    >>> column_names(pair=True)
    ('id', 'lang', 'text', 'text_pair', 'label')
    """
    return PAIR_COLUMNS if pair else COLUMNS


def features(pair: bool) -> datasets.Features:
    """The ``datasets.Features`` of the schema: every column is a string.

    >>> list(features(pair=False))
    ['id', 'lang', 'text', 'label']
    """
    return datasets.Features({name: datasets.Value("string") for name in column_names(pair)})


class Layout:
    """A table layout: its columns and their types, which column names mark it, and the row checks it needs.

    A new layout is one subclass plus one :func:`register_layout` call.
    """

    name: str
    columns: tuple[str, ...]
    #: column names that only this layout has (how :func:`layout_of` recognises a table)
    marks: frozenset[str] = frozenset()

    def column_names(self, pair: bool = False) -> tuple[str, ...]:
        return self.columns

    def features(self, pair: bool = False) -> datasets.Features:
        raise NotImplementedError

    def string_columns(self) -> tuple[str, ...]:
        """Columns that hold one non-blank string per row."""
        return tuple(c for c in self.columns if isinstance(self.features().get(c), datasets.Value))

    def row_fields(self, pair: bool = False) -> tuple[str, ...]:
        """The columns a row of data gives besides ``id`` and ``lang`` (what a ``columns`` mapping maps)."""
        return self.column_names(pair)[2:]

    def row_value(self, name: str, value: Any) -> Any:
        """Column ``name``'s value of one row, checked (and converted) for this layout; raise
        :class:`RowProblem`. By default a non-blank string (an integer is read as its digits)."""
        return _string(name, value)

    def check_row(self, row: Mapping[str, Any]) -> None:
        """Checks across the fields of one row (e.g. one tag per token); raise :class:`RowProblem`."""

    def read_row(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The :meth:`row_fields` of ``row``, each checked by :meth:`row_value`, then :meth:`check_row`."""
        out = {name: self.row_value(name, row[name]) for name in row}
        self.check_row(out)
        return out

    def check_features(self, ds: datasets.Dataset, where: str | Path) -> None:
        """Checks of the column types beyond the string columns; raise :class:`DataError`."""

    def validate_rows(self, ds: datasets.Dataset, where: str | Path) -> None:
        """:meth:`check_features`, then :meth:`read_row` on every row; raise :class:`DataError`."""
        self.check_features(ds, where)
        names = self.row_fields(TEXT_PAIR in ds.column_names)
        for row, items in enumerate(zip(*(values(ds, name) for name in names), strict=True)):
            try:
                self.read_row(dict(zip(names, items, strict=True)))
            except RowProblem as p:
                raise DataError(f"{p.message} in row {row} (0-based)", path=where, field=p.part or p.field) from None


class RowProblem(ValueError):
    """What is wrong with one row: a message, the column at fault and, for a struct column, its part. The
    caller says where the row is (file and line, row number)."""

    def __init__(self, message: str, field: str, part: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field, self.part = message, field, part


class ClassificationLayout(Layout):
    """``text``, ``text_pair`` (sentence-pair data only) and ``label`` (the label *name*), all strings."""

    name = "classification"
    columns = COLUMNS

    def column_names(self, pair: bool = False) -> tuple[str, ...]:
        return column_names(pair)

    def features(self, pair: bool = False) -> datasets.Features:
        return features(pair)

    def string_columns(self) -> tuple[str, ...]:
        return PAIR_COLUMNS

    def row_value(self, name: str, value: Any) -> Any:
        text = _string(name, value)
        return text.strip() if name == LABEL else text  # a label is a name: no stray spaces

    def validate_rows(self, ds: datasets.Dataset, where: str | Path) -> None:
        """Nothing beyond the string checks of :func:`validate_dataset`."""


class TaggingLayout(Layout):
    """``tokens`` and ``tags``: one tag per word, lists of strings."""

    name = "tagging"
    columns = TAGGING_COLUMNS
    marks = frozenset({TOKENS, TAGS})

    def features(self, pair: bool = False) -> datasets.Features:
        return datasets.Features({ID: _STRING, LANG: _STRING, TOKENS: datasets.List(_STRING),
                                  TAGS: datasets.List(_STRING)})

    def row_value(self, name: str, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise RowProblem(f"{name} must be a list of strings, found {type(value).__name__}", name)
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise RowProblem(f"{name} must hold strings, found {type(item).__name__} at position {i}", name)
            if not item.strip():
                raise RowProblem(f"empty value at position {i}", name)
        return list(value)

    def check_row(self, row: Mapping[str, Any]) -> None:
        tokens, tags = row[TOKENS], row[TAGS]
        if not tokens:
            raise RowProblem("no tokens", TOKENS)
        if len(tags) != len(tokens):
            raise RowProblem(f"{len(tokens)} tokens but {len(tags)} tags; give one tag per token", TAGS)

    def check_features(self, ds: datasets.Dataset, where: str | Path) -> None:
        for name in (TOKENS, TAGS):
            if not _is_list_of(ds.features[name], _is_string):
                raise DataError(f"column must hold lists of strings, it holds {ds.features[name]}",
                                path=where, field=name)


class QALayout(Layout):
    """``question``, ``context`` and the SQuAD ``answers`` struct (character offsets into ``context``)."""

    name = "qa"
    columns = QA_COLUMNS
    marks = frozenset({QUESTION, CONTEXT, ANSWERS})

    def features(self, pair: bool = False) -> datasets.Features:
        return datasets.Features({
            ID: _STRING, LANG: _STRING, QUESTION: _STRING, CONTEXT: _STRING,
            ANSWERS: {ANSWER_TEXT: datasets.List(_STRING), ANSWER_START: datasets.List(datasets.Value("int32"))},
        })

    def row_value(self, name: str, value: Any) -> Any:
        if name != ANSWERS:
            return _string(name, value)
        if not isinstance(value, Mapping) or not isinstance(value.get(ANSWER_TEXT), list | tuple) \
                or not isinstance(value.get(ANSWER_START), list | tuple):
            raise RowProblem(f"answers must be {{'text': [...], 'answer_start': [...]}}, found {value!r}", name)
        texts, starts = list(value[ANSWER_TEXT]), list(value[ANSWER_START])
        if len(texts) != len(starts):
            raise RowProblem(f"{len(texts)} answer texts but {len(starts)} answer_start offsets", name)
        for i, (text, start) in enumerate(zip(texts, starts, strict=True)):
            if not isinstance(text, str) or not text:
                raise RowProblem(f"empty or non-string answer text (answer {i})", name, ANSWER_TEXT)
            if isinstance(start, bool) or not isinstance(start, int):
                raise RowProblem(f"answer_start must be an integer, found {start!r} (answer {i})", name,
                                 ANSWER_START)
        return {ANSWER_TEXT: texts, ANSWER_START: starts}

    def check_row(self, row: Mapping[str, Any]) -> None:
        answers = row[ANSWERS]
        for i, (text, start) in enumerate(zip(answers[ANSWER_TEXT], answers[ANSWER_START], strict=True)):
            if not answer_at(row[CONTEXT], text, start):
                raise RowProblem(f"answer {i}, {text!r}, is not at answer_start {start} of the context", ANSWERS,
                                 ANSWER_START)

    def check_features(self, ds: datasets.Dataset, where: str | Path) -> None:
        feature = ds.features[ANSWERS]
        if (not isinstance(feature, dict) or set(feature) != {ANSWER_TEXT, ANSWER_START}
                or not _is_list_of(feature[ANSWER_TEXT], _is_string)
                or not _is_list_of(feature[ANSWER_START], lambda f: str(getattr(f, "dtype", "")).startswith("int"))):
            raise DataError(f"column must hold {{'text': List(string), 'answer_start': List(int)}}, it holds "
                            f"{feature}", path=where, field=ANSWERS)


def answer_at(context: str, text: str, start: int) -> bool:
    """Whether the answer ``text`` is in ``context`` at character offset ``start``.

    >>> answer_at("Bob ran.", "ran", 4), answer_at("Bob ran.", "ran", 3)
    (True, False)
    """
    return start >= 0 and context[start:start + len(text)] == text


#: Layout name -> layout; tables whose columns mark no other layout are classification tables.
LAYOUTS: dict[str, Layout] = {}
DEFAULT_LAYOUT = "classification"


def register_layout(layout: Layout) -> Layout:
    LAYOUTS[layout.name] = layout
    return layout


register_layout(ClassificationLayout())
register_layout(TaggingLayout())
register_layout(QALayout())
TAGGING_FEATURES = LAYOUTS["tagging"].features()
QA_FEATURES = LAYOUTS["qa"].features()


def get_layout(name: str) -> Layout:
    """The layout called ``name``.

    >>> get_layout("tagging").columns
    ('id', 'lang', 'tokens', 'tags')
    """
    if name not in LAYOUTS:
        raise ValueError(f"unknown layout {name!r}; use one of {list(LAYOUTS)}")
    return LAYOUTS[name]


def layout_of(names: Collection[str]) -> str:
    """The layout the column ``names`` are meant for: the one whose marking columns they contain, else
    classification.

    >>> layout_of(["id", "lang", "question", "context", "answers"])
    'qa'
    """
    for layout in LAYOUTS.values():
        if layout.marks & set(names):
            return layout.name
    return DEFAULT_LAYOUT


def make_dataset(columns: Mapping[str, Sequence[Any]], *, pair: bool | None = None,
                 layout: str | None = None) -> datasets.Dataset:
    """Build a schema dataset from column lists. ``layout`` defaults to :func:`layout_of` the given columns,
    ``pair`` (classification) to whether ``text_pair`` is given.

    >>> make_dataset({"id": [], "lang": [], "text": [], "label": []}).num_rows
    0
    >>> make_dataset({"id": ["q1"], "lang": ["en"], "question": ["Who?"], "context": ["Bob ran."],
    ...               "answers": [{"text": ["Bob"], "answer_start": [0]}]}).features["answers"]["answer_start"]
    List(Value('int32'))
    """
    schema = get_layout(layout or layout_of(columns))
    if pair is None:
        pair = TEXT_PAIR in columns
    names = schema.column_names(pair)
    return datasets.Dataset.from_dict({n: list(columns[n]) for n in names}, features=schema.features(pair))


def values(ds: datasets.Dataset, name: str) -> list:
    """All values of column ``name`` as a list (fast: one slice, not a per-row loop).

    >>> values(make_dataset({"id": ["a"], "lang": ["en"], "text": ["t"], "label": ["l"]}), "lang")
    ['en']
    """
    return list(ds[name][:])


def is_pair(ds: datasets.Dataset) -> bool:
    """Whether ``ds`` holds sentence pairs (has a ``text_pair`` column).

    >>> is_pair(make_dataset({"id": [], "lang": [], "text": [], "label": []}))
    False
    """
    return TEXT_PAIR in ds.column_names


def validate_dataset(ds: datasets.Dataset, *, source: str | Path | None = None,
                     layout: str | None = None) -> datasets.Dataset:
    """Check that ``ds`` follows its layout; return it unchanged, or raise :class:`DataError`.

    ``layout`` defaults to :func:`layout_of` the columns. Checks: exactly the schema's columns (in any order),
    string-typed ``id``/``lang`` (and classification, question and context columns), no empty or blank
    value, and no ``(id, lang)`` pair twice. Tagging: lists of strings, one non-blank tag per non-blank
    token, at least one token. QA: every answer text is non-empty and found in the context at its
    ``answer_start`` (a question may have no answer). ``source`` names the data in the error message.

    >>> bad = datasets.Dataset.from_dict({"id": ["1"], "text": ["x"]})
    >>> validate_dataset(bad, source="x.jsonl")
    Traceback (most recent call last):
    ...
    xlt.errors.DataError: x.jsonl: field 'lang': missing column; ...
    """
    where = source if source is not None else "dataset"
    have = list(ds.column_names)
    schema = get_layout(layout or layout_of(have))
    expected = schema.column_names(TEXT_PAIR in have)
    for name in expected:
        if name not in have:
            raise DataError(f"missing column; a corpus dataset has the columns {list(expected)}, "
                            f"this one has {have}", path=where, field=name)
    for name in have:
        if name not in expected:
            raise DataError(f"unexpected column; a corpus dataset has exactly the columns {list(expected)}",
                            path=where, field=name)
    strings = [name for name in expected if name in schema.string_columns()]
    for name in strings:
        if not _is_string(ds.features[name]):
            raise DataError(f"column must hold strings, it holds {ds.features[name]}", path=where, field=name)
    for name in strings:
        for row, value in enumerate(values(ds, name)):
            if value is None or not value.strip():
                raise DataError(f"empty value in row {row} (0-based)", path=where, field=name)
    schema.validate_rows(ds, where)
    seen: set[tuple[str, str]] = set()
    for row, key in enumerate(zip(values(ds, ID), values(ds, LANG), strict=True)):
        if key in seen:
            raise DataError(f"id {key[0]!r} occurs twice in language {key[1]!r} (row {row}, 0-based); "
                            "an id names one item per language", path=where, field=ID)
        seen.add(key)
    return ds


def _is_string(feature: Any) -> bool:
    return getattr(feature, "dtype", None) in ("string", "large_string")


def _is_list_of(feature: Any, check: Any) -> bool:
    return isinstance(feature, datasets.List | datasets.LargeList) and check(feature.feature)


def _string(name: str, value: Any) -> str:
    """``value`` as a non-blank string (an integer as its digits), else :class:`RowProblem`."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RowProblem(f"{name} must be a string, found {type(value).__name__}", name)
    text = str(value)
    if not text.strip():
        raise RowProblem(f"empty {name}", name)
    return text
