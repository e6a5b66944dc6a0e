"""Corpus step: read, check and split multilingual data into one schema.

Every reader returns a ``datasets.Dataset`` with the columns ``id`` (item id, shared by translations),
``lang``, ``text``, ``text_pair`` (pair data only) and ``label`` (label name).

>>> from xlt.corpus import DataSpec, split_by_item
>>> ds = DataSpec.parse("builtin:emoji-groups", languages=["en", "ja"]).load()
>>> parts = split_by_item(ds, seed=0)
>>> set(parts["train"]["id"]) & set(parts["test"]["id"])
set()
"""

from xlt.corpus.config import DataConfig, SplitConfig
from xlt.corpus.leakage import check_no_leakage, shared_ids
from xlt.corpus.paths import expand_env, language_files
from xlt.corpus.readers import (
    BUILTINS,
    PRESETS,
    Columns,
    load_builtin,
    read_pawsx,
    read_preset,
    read_sib200,
    read_table,
    read_xnli,
)
from xlt.corpus.sampling import sample_languages
from xlt.corpus.schema import (
    COLUMNS,
    ID,
    LABEL,
    LANG,
    PAIR_COLUMNS,
    TEXT,
    TEXT_PAIR,
    features,
    is_pair,
    make_dataset,
    validate_dataset,
)
from xlt.corpus.spec import FORMATS, DataSpec
from xlt.corpus.split import split_by_item, split_manifest
from xlt.corpus.subset import select_ids, select_languages

__all__ = [
    "BUILTINS", "COLUMNS", "FORMATS", "ID", "LABEL", "LANG", "PAIR_COLUMNS", "PRESETS", "TEXT", "TEXT_PAIR",
    "Columns", "DataConfig", "DataSpec", "SplitConfig", "check_no_leakage", "expand_env", "features",
    "is_pair", "language_files", "load_builtin", "make_dataset", "read_pawsx", "read_preset", "read_sib200",
    "read_table", "read_xnli", "sample_languages", "select_ids", "select_languages", "shared_ids",
    "split_by_item", "split_manifest", "validate_dataset",
]
