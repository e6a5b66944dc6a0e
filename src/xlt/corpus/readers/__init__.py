"""Readers: each turns one file format family into a corpus schema (see :mod:`xlt.corpus.schema`).

Table formats (JSONL/CSV/TSV and the presets) give classification data; the row formats in
:data:`RECORD_FORMATS` (Parquet, ``save_to_disk`` folders, ``load_dataset`` data sets, in-memory tables) give
data of the layout asked for (classification, tagging or QA); the file readers in :data:`READERS` give tagging
data (CoNLL-U, IOB2, CoNLL-2002, token TSV) or QA data (SQuAD JSON).

>>> from xlt.corpus.readers import PRESETS, READERS, TABLE_FORMATS
>>> TABLE_FORMATS, sorted(PRESETS)
(('jsonl', 'csv', 'tsv'), ['pawsx', 'sib200', 'xnli'])
>>> {name: reader.layout for name, reader in READERS.items()}
{'conllu': 'tagging', 'iob2': 'tagging', 'conll2002': 'tagging', 'token-tsv': 'tagging', 'squad': 'qa'}
"""

from collections.abc import Callable
from dataclasses import dataclass

import datasets

from xlt.corpus.readers.builtin import BUILTINS, builtin_languages, load_builtin
from xlt.corpus.readers.conll2002 import read_conll2002
from xlt.corpus.readers.conllu import read_conllu
from xlt.corpus.readers.iob2 import check_iob2, read_iob2
from xlt.corpus.readers.parallel import ParallelSpec, read_ntrex, read_parallel, read_pud, read_tatoeba
from xlt.corpus.readers.presets import PRESETS, TablePreset, read_pawsx, read_preset, read_sib200, read_xnli
from xlt.corpus.readers.raw_text import read_raw_text, read_raw_texts
from xlt.corpus.readers.records import RECORD_FORMATS, read_disk, read_hf, read_memory, read_parquet
from xlt.corpus.readers.squad import read_squad
from xlt.corpus.readers.table import TABLE_FORMATS, ColumnRef, Columns, TableFormat, read_records, read_table
from xlt.corpus.readers.token_tsv import read_token_tsv


@dataclass(frozen=True)
class FileReader:
    """A one-language-per-file reader: ``read(path, lang=..., limit=..., **options)``, the layout of the
    table it returns, and the :class:`~xlt.corpus.spec.DataSpec` fields it takes as options."""

    read: Callable[..., datasets.Dataset]
    layout: str
    options: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()  # a path with one of these needs no format: (``data/de.conllu``)


READERS: dict[str, FileReader] = {}


def register_reader(name: str, reader: FileReader) -> FileReader:
    """Make ``name:PATH`` data specs read with ``reader`` (a new file format: one file and this call)."""
    READERS[name] = reader
    return reader


register_reader("conllu", FileReader(read_conllu, "tagging", ("tag_column",), (".conllu",)))
register_reader("iob2", FileReader(read_iob2, "tagging", ("repair",), (".iob2",)))
register_reader("conll2002", FileReader(read_conll2002, "tagging", ("repair",)))
register_reader("token-tsv", FileReader(read_token_tsv, "tagging"))
register_reader("squad", FileReader(read_squad, "qa", ("repair_offsets", "allow_unanswered", "duplicate_ids")))

__all__ = [
    "BUILTINS", "PRESETS", "READERS", "TABLE_FORMATS", "ColumnRef", "Columns", "FileReader", "TableFormat",
    "register_reader",
    "TablePreset", "builtin_languages", "check_iob2", "load_builtin", "read_conll2002", "read_conllu",
    "read_iob2", "read_pawsx", "read_preset", "read_sib200", "read_squad", "read_table", "read_token_tsv",
    "read_xnli",
    # rows rather than lines (any layout, with the table column mapping)
    "RECORD_FORMATS", "read_disk", "read_hf", "read_memory", "read_parquet", "read_records",
    # raw text and translation pairs (pretraining, alignment, retrieval; not DataSpec formats)
    "ParallelSpec", "read_ntrex", "read_parallel", "read_pud", "read_raw_text", "read_raw_texts", "read_tatoeba",
]
