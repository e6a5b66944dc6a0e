"""Shared parts of the token-per-line readers (CoNLL-U, IOB2, CoNLL-2002, token TSV).

A file is a sequence of sentence blocks separated by blank lines; each block may start with comment lines
(for formats that have them). :class:`TaggedSentences` collects the sentences into the tagging schema,
checks for duplicate ids and applies ``limit``.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = p.write_text("# sent_id = s1\\nHi\\tO\\n\\n\\nBob\\tB-PER\\n", encoding="utf-8")
>>> [(b.first_line, b.sent_id, [t for _, t in b.lines]) for b in sentence_blocks(p, comments=True)]
[(1, 's1', ['Hi\\tO']), (5, None, ['Bob\\tB-PER'])]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import datasets

from xlt.corpus.readers.lines import numbered_lines
from xlt.corpus.schema import ID, LANG, TAGS, TOKENS, make_dataset
from xlt.errors import ConfigError, DataError

_SENT_ID = re.compile(r"#\s*sent_id\s*=\s*(.*?)\s*$")


@dataclass
class SentenceBlock:
    """One sentence: its comment lines and its other (token) lines, each as (1-based line, text without EOL)."""

    first_line: int
    comments: list[tuple[int, str]] = field(default_factory=list)
    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def sent_id(self) -> str | None:
        """The value of a ``# sent_id = ...`` comment, if there is one (and it is not empty)."""
        for _, comment in self.comments:
            match = _SENT_ID.match(comment)
            if match and match.group(1):
                return match.group(1)
        return None


def sentence_blocks(path: str | Path, *, comments: bool) -> Iterator[SentenceBlock]:
    """The sentence blocks of ``path`` (blank-line separated); ``comments``: lines starting with ``#`` are
    comments (CoNLL-U, IOB2), not tokens. Blocks that hold only comments are skipped."""
    block: SentenceBlock | None = None
    for lineno, raw in numbered_lines(path):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if block is not None and block.lines:
                yield block
            block = None
            continue
        if block is None:
            block = SentenceBlock(lineno)
        if comments and line.startswith("#"):
            block.comments.append((lineno, line))
        else:
            block.lines.append((lineno, line))
    if block is not None and block.lines:
        yield block


class TaggedSentences:
    """Collects sentences of one file into a tagging dataset (one language), checking ids and ``limit``.

    >>> s = TaggedSentences("x.iob2", lang="en", limit=1)
    >>> s.add("s1", ["Hi"], ["O"], line=1)
    >>> s.full
    True
    >>> s.dataset()[0]
    {'id': 's1', 'lang': 'en', 'tokens': ['Hi'], 'tags': ['O']}
    """

    def __init__(self, path: str | Path, *, lang: str, limit: int | None = None) -> None:
        if limit is not None and limit < 1:
            raise ConfigError(f"limit must be a positive number of sentences, got {limit}")
        if not lang or not lang.strip():
            raise ConfigError(f"{path}: give the file's language (lang)")
        self.path, self.lang, self.limit = path, lang, limit
        self.ids: list[str] = []
        self.tokens: list[list[str]] = []
        self.tags: list[list[str]] = []
        self._first_line: dict[str, int] = {}

    @property
    def full(self) -> bool:
        """Whether ``limit`` sentences have been added."""
        return self.limit is not None and len(self.ids) >= self.limit

    @property
    def count(self) -> int:
        """Sentences added so far (the 0-based index of the next one)."""
        return len(self.ids)

    def add(self, item: str, tokens: list[str], tags: list[str], *, line: int) -> None:
        """Add one sentence starting at ``line``; a repeated id is a :class:`DataError`."""
        if item in self._first_line:
            raise DataError(f"duplicate sentence id {item!r} (first on line {self._first_line[item]}); an id "
                            "names one item per language", path=self.path, line=line, field="sent_id")
        self._first_line[item] = line
        self.ids.append(item)
        self.tokens.append(tokens)
        self.tags.append(tags)

    def dataset(self) -> datasets.Dataset:
        """The tagging dataset of the sentences added; no sentence at all is a :class:`DataError`."""
        if not self.ids:
            raise DataError("no sentences", path=self.path)
        return make_dataset({ID: self.ids, LANG: [self.lang] * len(self.ids), TOKENS: self.tokens,
                             TAGS: self.tags}, layout="tagging")
