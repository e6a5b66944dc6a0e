"""Read the XTREME two-column ``token<TAB>tag`` format (udpos, panx) into the tagging schema.

One token per line, a blank line between sentences, no comments (``#`` is a token). The id is the 0-based
sentence index. Tags are taken as they are (no IOB2 check: udpos holds POS tags).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "train-en.tsv"
>>> _ = p.write_text("#\\tSYM\\nHi\\tINTJ\\n\\nBye\\tINTJ\\n", encoding="utf-8")
>>> read_token_tsv(p, lang="en")[0]
{'id': '0', 'lang': 'en', 'tokens': ['#', 'Hi'], 'tags': ['SYM', 'INTJ']}
"""

from __future__ import annotations

from pathlib import Path

import datasets

from xlt.corpus.readers.sentences import TaggedSentences, sentence_blocks
from xlt.errors import DataError


def read_token_tsv(path: str | Path, *, lang: str, limit: int | None = None) -> datasets.Dataset:
    """Read one ``token<TAB>tag`` file (one language) into a tagging dataset; ``limit``: first sentences.

    A line without exactly 2 tab-separated columns, or with an empty token or tag, is a :class:`DataError`.
    """
    out = TaggedSentences(path, lang=lang, limit=limit)
    for block in sentence_blocks(path, comments=False):
        if out.full:
            break
        tokens: list[str] = []
        tags: list[str] = []
        for lineno, line in block.lines:
            cells = line.split("\t")
            if len(cells) != 2:
                raise DataError(f"expected 2 tab-separated columns (token, tag), found {len(cells)}", path=path,
                                line=lineno)
            token, tag = cells[0], cells[1].strip()
            if not token.strip():
                raise DataError("empty token", path=path, line=lineno, field="token")
            if not tag:
                raise DataError("empty tag", path=path, line=lineno, field="tag")
            tokens.append(token)
            tags.append(tag)
        out.add(str(out.count), tokens, tags, line=block.first_line)
    return out.dataset()
