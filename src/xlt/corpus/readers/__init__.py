"""Readers: each turns one file format family into the corpus schema (see :mod:`xlt.corpus.schema`).

>>> from xlt.corpus.readers import PRESETS, TABLE_FORMATS
>>> TABLE_FORMATS, sorted(PRESETS)
(('jsonl', 'csv', 'tsv'), ['pawsx', 'sib200', 'xnli'])
"""

from xlt.corpus.readers.builtin import BUILTINS, builtin_languages, load_builtin
from xlt.corpus.readers.presets import PRESETS, TablePreset, read_pawsx, read_preset, read_sib200, read_xnli
from xlt.corpus.readers.table import TABLE_FORMATS, ColumnRef, Columns, TableFormat, read_table

__all__ = [
    "BUILTINS", "PRESETS", "TABLE_FORMATS", "ColumnRef", "Columns", "TableFormat", "TablePreset",
    "builtin_languages", "load_builtin", "read_pawsx", "read_preset", "read_sib200", "read_table",
    "read_xnli",
]
