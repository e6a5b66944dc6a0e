"""Corpus step: read, check and split multilingual data into one schema.

Every reader returns a ``datasets.Dataset`` with the columns ``id`` (item id, shared by translations),
``lang`` and, by layout (see :mod:`xlt.corpus.schema`): classification ``text``, ``text_pair`` (pair data
only), ``label`` (label name); tagging ``tokens``, ``tags``; qa ``question``, ``context``, ``answers``.

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
    READERS,
    Columns,
    load_builtin,
    read_conll2002,
    read_conllu,
    read_iob2,
    read_pawsx,
    read_preset,
    read_sib200,
    read_squad,
    read_table,
    read_token_tsv,
    read_xnli,
)
from xlt.corpus.sampling import sample_languages
from xlt.corpus.schema import (
    ANSWERS,
    COLUMNS,
    CONTEXT,
    ID,
    LABEL,
    LANG,
    LAYOUTS,
    PAIR_COLUMNS,
    QA_COLUMNS,
    QA_FEATURES,
    QUESTION,
    TAGGING_COLUMNS,
    TAGGING_FEATURES,
    TAGS,
    TEXT,
    TEXT_PAIR,
    TOKENS,
    Layout,
    features,
    get_layout,
    is_pair,
    layout_of,
    make_dataset,
    register_layout,
    validate_dataset,
)
from xlt.corpus.spec import DataSpec, known_formats
from xlt.corpus.split import split_by_item, split_manifest
from xlt.corpus.subset import select_ids, select_languages

__all__ = [
    "ANSWERS", "BUILTINS", "COLUMNS", "CONTEXT", "ID", "LABEL", "LANG", "PAIR_COLUMNS", "PRESETS",
    "QA_COLUMNS", "QA_FEATURES", "QUESTION", "READERS", "TAGGING_COLUMNS", "TAGGING_FEATURES", "TAGS",
    "LAYOUTS", "TEXT", "TEXT_PAIR", "TOKENS", "Columns", "DataConfig", "DataSpec", "SplitConfig",
    "Layout", "check_no_leakage", "expand_env", "features", "is_pair", "language_files", "load_builtin",
    "make_dataset", "read_conll2002", "read_conllu", "read_iob2", "read_pawsx", "read_preset", "read_sib200",
    "read_squad", "read_table", "read_token_tsv", "read_xnli", "sample_languages", "select_ids",
    "select_languages", "shared_ids", "split_by_item", "split_manifest", "get_layout", "layout_of",
    "register_layout", "known_formats", "validate_dataset",
]
