"""Read CoNLL-2002 style column files into the tagging schema (NER, IOB2 tags).

One ``token POS tag`` line per token (space-separated; the token is the first column and the tag the
last, so CoNLL-2003's four columns read too), a blank line between sentences, ``-DOCSTART-`` lines
skipped. Every token line of a file must have the same number of columns. The id is the 0-based sentence
index. Tags are checked as IOB2 (see :func:`~xlt.corpus.readers.iob2.check_iob2`; ``repair=True`` reads a
broken ``I-X`` as ``B-X``).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "esp.train"
>>> _ = p.write_text("-DOCSTART- -DOCSTART- O\\n\\nEl DA O\\nAbogado NC B-PER\\n\\nSao NC I-LOC\\n", encoding="utf-8")
>>> ds = read_conll2002(p, lang="es", repair=True)
>>> ds[0], ds[1]["tags"]
({'id': '0', 'lang': 'es', 'tokens': ['El', 'Abogado'], 'tags': ['O', 'B-PER']}, ['B-LOC'])
"""

from __future__ import annotations

import logging
from pathlib import Path

import datasets

from xlt.corpus.readers.iob2 import check_iob2
from xlt.corpus.readers.sentences import TaggedSentences, sentence_blocks
from xlt.errors import DataError

log = logging.getLogger(__name__)

DOCSTART = "-DOCSTART-"


def read_conll2002(path: str | Path, *, lang: str, repair: bool = False,
                   limit: int | None = None) -> datasets.Dataset:
    """Read one CoNLL-2002 file (one language) into a tagging dataset; ``limit``: first sentences."""
    out = TaggedSentences(path, lang=lang, limit=limit)
    width: int | None = None
    repairs = 0
    for block in sentence_blocks(path, comments=False):
        if out.full:
            break
        tokens: list[str] = []
        tags: list[str] = []
        lines: list[int] = []
        for lineno, line in block.lines:
            cells = line.split()
            if cells[0] == DOCSTART:
                continue
            if width is None:
                if len(cells) < 2:
                    raise DataError("expected space-separated columns 'token ... tag', found one column",
                                    path=path, line=lineno)
                width = len(cells)
            if len(cells) != width:
                raise DataError(f"expected {width} space-separated columns (as on the first token line), found "
                                f"{len(cells)}", path=path, line=lineno)
            tokens.append(cells[0])
            tags.append(cells[-1])
            lines.append(lineno)
        if not tokens:
            continue
        tags, fixed = check_iob2(tags, path=path, lines=lines, repair=repair)
        repairs += fixed
        out.add(str(out.count), tokens, tags, line=lines[0])
    if repairs:
        log.warning("%s: repaired %d I- tag(s) that did not continue an entity (read as B-)", path, repairs)
    return out.dataset()
