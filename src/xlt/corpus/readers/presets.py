"""Named layouts of well-known benchmark files: XNLI, PAWS-X (sentence pairs) and SIB-200.

- ``xnli``: TSV, no header, ``premise<TAB>hypothesis<TAB>label`` (label: entailment/neutral/contradiction).
- ``pawsx``: TSV, no header, ``sentence1<TAB>sentence2<TAB>label`` (label "1" = paraphrase, "0" = not).
- ``sib200``: TSV with header ``index_id<TAB>category<TAB>text``; id = index_id (the FLORES-200 id).

XNLI and PAWS-X have no id column: the id is the row index, the same item in every language.

>>> sorted(PRESETS)
['pawsx', 'sib200', 'xnli']
>>> PRESETS["xnli"].columns.text_pair
'hypothesis'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import datasets

from xlt.corpus.readers.table import Columns, TableFormat, read_table
from xlt.errors import ConfigError


@dataclass(frozen=True)
class TablePreset:
    """A fixed file layout for :func:`read_table`, and where the file usually lives under ``$XLT_DATA``."""

    format: TableFormat
    header: bool
    names: tuple[str, ...] | None
    columns: Columns
    default_path: str | None = None


PRESETS: dict[str, TablePreset] = {
    "xnli": TablePreset("tsv", header=False, names=("premise", "hypothesis", "label"),
                        columns=Columns(text="premise", text_pair="hypothesis", label="label"),
                        default_path="${XLT_DATA}/xnli/dev-{lang}.tsv"),
    "pawsx": TablePreset("tsv", header=False, names=("sentence1", "sentence2", "label"),
                         columns=Columns(text="sentence1", text_pair="sentence2", label="label"),
                         default_path="${XLT_DATA}/pawsx/dev-{lang}.tsv"),
    "sib200": TablePreset("tsv", header=True, names=None,
                          columns=Columns(id="index_id", text="text", label="category")),
}


def read_preset(name: str, path: str | Path, *, lang: str, limit: int | None = None) -> datasets.Dataset:
    """Read one language's file of a preset layout (``xnli``, ``pawsx`` or ``sib200``).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "dev-de.tsv"
    >>> _ = p.write_text("Er kam.\\tEr ging.\\tcontradiction\\r\\n", encoding="utf-8")
    >>> read_preset("xnli", p, lang="de")[0]["text_pair"]
    'Er ging.'
    """
    if name not in PRESETS:
        raise ConfigError(f"unknown preset {name!r}; use one of {sorted(PRESETS)}")
    preset = PRESETS[name]
    return read_table(path, format=preset.format, lang=lang, columns=preset.columns, header=preset.header,
                      names=preset.names, limit=limit)


def read_xnli(path: str | Path, *, lang: str, limit: int | None = None) -> datasets.Dataset:
    """Read an XNLI ``dev-{lang}.tsv`` file (see :func:`read_preset`)."""
    return read_preset("xnli", path, lang=lang, limit=limit)


def read_pawsx(path: str | Path, *, lang: str, limit: int | None = None) -> datasets.Dataset:
    """Read a PAWS-X ``dev-{lang}.tsv`` file (see :func:`read_preset`)."""
    return read_preset("pawsx", path, lang=lang, limit=limit)


def read_sib200(path: str | Path, *, lang: str, limit: int | None = None) -> datasets.Dataset:
    """Read a SIB-200 ``{lang}/{split}.tsv`` file (see :func:`read_preset`)."""
    return read_preset("sib200", path, lang=lang, limit=limit)
