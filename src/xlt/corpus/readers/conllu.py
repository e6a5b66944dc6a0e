"""Read CoNLL-U (Universal Dependencies) files into the tagging schema: tokens = FORM, tags = UPOS (or XPOS).

A token line has 10 tab-separated columns: ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC.
Multi-word token lines (ID ``1-2``) are skipped and the syntactic words that follow them are kept;
empty nodes (ID ``1.1``) are skipped. The id is the ``# sent_id`` value, else the 0-based sentence index.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "de.conllu"
>>> row = "\\t".join
>>> _ = p.write_text("# sent_id = s1\\n" + row(["1-2", "am"] + ["_"] * 8) + "\\n"
...                  + row(["1", "an", "an", "ADP", "APPR"] + ["_"] * 5) + "\\n"
...                  + row(["2", "dem", "der", "DET", "ART"] + ["_"] * 5) + "\\n\\n", encoding="utf-8")
>>> read_conllu(p, lang="de")[0]
{'id': 's1', 'lang': 'de', 'tokens': ['an', 'dem'], 'tags': ['ADP', 'DET']}
>>> read_conllu(p, lang="de", tag_column="xpos")[0]["tags"]
['APPR', 'ART']
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import datasets

from xlt.corpus.readers.sentences import TaggedSentences, sentence_blocks
from xlt.errors import ConfigError, DataError

TagColumn = Literal["upos", "xpos"]
CONLLU_COLUMNS: tuple[str, ...] = ("ID", "FORM", "LEMMA", "UPOS", "XPOS", "FEATS", "HEAD", "DEPREL", "DEPS",
                                   "MISC")
_TAG_INDEX = {"upos": 3, "xpos": 4}
_WORD_ID = re.compile(r"[1-9]\d*")
_RANGE_ID = re.compile(r"[1-9]\d*-[1-9]\d*")
_EMPTY_ID = re.compile(r"\d+\.[1-9]\d*")


def read_conllu(path: str | Path, *, lang: str, tag_column: TagColumn = "upos",
                limit: int | None = None) -> datasets.Dataset:
    """Read one CoNLL-U file (one language) into a tagging dataset; ``limit``: first sentences.

    ``tag_column``: ``"upos"`` (column 4, the universal POS tags) or ``"xpos"`` (column 5). A token line
    without exactly 10 tab-separated columns, a bad ID, an empty FORM or a missing (``_``) tag is a
    :class:`DataError` naming the file and line.
    """
    if tag_column not in _TAG_INDEX:
        raise ConfigError(f"tag_column must be one of {list(_TAG_INDEX)}, got {tag_column!r}")
    tag_index = _TAG_INDEX[tag_column]
    out = TaggedSentences(path, lang=lang, limit=limit)
    for block in sentence_blocks(path, comments=True):
        if out.full:
            break
        tokens: list[str] = []
        tags: list[str] = []
        for lineno, line in block.lines:
            cells = line.split("\t")
            if len(cells) != len(CONLLU_COLUMNS):
                hint = " (spaces instead of tabs?)" if len(cells) < len(CONLLU_COLUMNS) else ""
                raise DataError(f"expected {len(CONLLU_COLUMNS)} tab-separated columns "
                                f"({' '.join(CONLLU_COLUMNS)}), found {len(cells)}{hint}", path=path, line=lineno)
            word_id = cells[0]
            if _RANGE_ID.fullmatch(word_id) or _EMPTY_ID.fullmatch(word_id):
                continue  # multi-word token (its words follow) or empty node
            if not _WORD_ID.fullmatch(word_id):
                raise DataError(f"bad token ID {word_id!r}; expected a word number, a range (1-2) or an empty "
                                "node (1.1)", path=path, line=lineno, field="ID")
            form, tag = cells[1], cells[tag_index].strip()
            if not form.strip():
                raise DataError("empty word form", path=path, line=lineno, field="FORM")
            if not tag or tag == "_":
                raise DataError(f"no {tag_column.upper()} tag ({tag!r})", path=path, line=lineno,
                                field=tag_column.upper())
            tokens.append(form)
            tags.append(tag)
        if not tokens:
            raise DataError("sentence has no words (only multi-word tokens or empty nodes)", path=path,
                            line=block.first_line)
        out.add(block.sent_id or str(out.count), tokens, tags, line=block.first_line)
    return out.dataset()
