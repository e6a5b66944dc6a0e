"""Read UniversalNER ``.iob2`` files into the tagging schema, checking the IOB2 tag scheme.

A sentence is ``# sent_id = ...`` / ``# text = ...`` comments, then one ``index<TAB>token<TAB>tag[<TAB>...]``
line per token (UNER adds two provenance columns), and a blank line. The id is the ``# sent_id`` value,
else the 0-based sentence index.

IOB2: every tag is ``O``, ``B-TYPE`` or ``I-TYPE``, and an ``I-TYPE`` continues a ``B-TYPE`` or
``I-TYPE`` of the same type. A broken ``I-TYPE`` is a :class:`DataError`, or with ``repair=True`` it
becomes ``B-TYPE`` (the repairs are counted and logged).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "en.iob2"
>>> _ = p.write_text("# sent_id = a-1\\n1\\tBob\\tB-PER\\t-\\t-\\n2\\tran\\tO\\t-\\t-\\n", encoding="utf-8")
>>> read_iob2(p, lang="en")[0]
{'id': 'a-1', 'lang': 'en', 'tokens': ['Bob', 'ran'], 'tags': ['B-PER', 'O']}
>>> check_iob2(["O", "I-LOC", "I-LOC"], path="x", lines=[1, 2, 3], repair=True)
(['O', 'B-LOC', 'I-LOC'], 1)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

import datasets

from xlt.corpus.readers.sentences import TaggedSentences, sentence_blocks
from xlt.errors import DataError

log = logging.getLogger(__name__)

IOB2_TAG = re.compile(r"O|[BI]-\w+")


def check_iob2(tags: Sequence[str], *, path: str | Path, lines: Sequence[int], repair: bool = False,
               field: str = "tag") -> tuple[list[str], int]:
    """Check one sentence's tags against IOB2; return the (repaired) tags and the number of repairs.

    ``lines``: the 1-based line of each tag, for the error message. A tag not matching ``O|B-\\w+|I-\\w+``
    is always a :class:`DataError`; an ``I-X`` that does not follow ``B-X``/``I-X`` is one unless ``repair``,
    which turns it into ``B-X``.

    >>> check_iob2(["B-PER", "I-LOC"], path="de.iob2", lines=[7, 8])
    Traceback (most recent call last):
    ...
    xlt.errors.DataError: de.iob2:8: field 'tag': 'I-LOC' does not continue a LOC entity (the previous tag ...
    """
    out: list[str] = []
    repairs = 0
    previous = "O"
    for tag, lineno in zip(tags, lines, strict=True):
        if not IOB2_TAG.fullmatch(tag):
            raise DataError(f"bad tag {tag!r}; IOB2 tags are O, B-TYPE or I-TYPE", path=path, line=lineno,
                            field=field)
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            if not repair:
                before = f"the previous tag is {previous!r}" if out else "it starts the sentence"
                raise DataError(f"{tag!r} does not continue a {tag[2:]} entity ({before}); an entity starts "
                                f"with B-{tag[2:]}. Set repair: true to read it as B-{tag[2:]}", path=path,
                                line=lineno, field=field)
            tag = "B-" + tag[2:]
            repairs += 1
        out.append(tag)
        previous = tag
    return out, repairs


def read_iob2(path: str | Path, *, lang: str, repair: bool = False, limit: int | None = None) -> datasets.Dataset:
    """Read one ``.iob2`` file (one language) into a tagging dataset; ``limit``: first sentences.

    A token line needs at least 3 tab-separated columns (index, token, tag); the tags must follow IOB2
    (see :func:`check_iob2`; ``repair`` fixes broken ``I-`` tags instead of failing).
    """
    out = TaggedSentences(path, lang=lang, limit=limit)
    repairs = 0
    for block in sentence_blocks(path, comments=True):
        if out.full:
            break
        tokens: list[str] = []
        tags: list[str] = []
        for lineno, line in block.lines:
            cells = line.split("\t")
            if len(cells) < 3:
                raise DataError(f"expected at least 3 tab-separated columns (index, token, tag), found "
                                f"{len(cells)}", path=path, line=lineno)
            if not cells[1].strip():
                raise DataError("empty token", path=path, line=lineno, field="token")
            tokens.append(cells[1])
            tags.append(cells[2].strip())
        tags, fixed = check_iob2(tags, path=path, lines=[lineno for lineno, _ in block.lines], repair=repair)
        repairs += fixed
        out.add(block.sent_id or str(out.count), tokens, tags, line=block.first_line)
    if repairs:
        log.warning("%s: repaired %d I- tag(s) that did not continue an entity (read as B-)", path, repairs)
    return out.dataset()
