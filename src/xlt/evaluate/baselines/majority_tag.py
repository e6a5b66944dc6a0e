"""Majority-tag baseline for token tagging (POS): each word's most frequent tag in the source training data.

Words never seen in training get the overall most frequent tag. It measures how much of tagging is
word identity alone; across languages it only helps where word forms are shared (names, numbers,
punctuation, loanwords).

>>> tags = [["DET", "NOUN", "VERB"], ["DET", "NOUN"], ["NOUN"]]
>>> clf = MajorityTagBaseline().fit([["The", "dog", "runs"], ["the", "cat"], ["Dogs"]], tags)
>>> clf.predict([["THE", "runs", "fast", "."]])
[['DET', 'VERB', 'NOUN', 'NOUN']]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence


class MajorityTagBaseline:
    """Most frequent tag per word form, backing off to the lowercased form, then to the overall majority tag.

    Ties go to the tag that is more frequent overall, then to the one seen first, so fitting is
    deterministic. With ``lowercase=False`` only exact word forms are looked up.
    """

    name = "majority-tag"

    def __init__(self, *, lowercase: bool = True) -> None:
        self.lowercase = lowercase
        self.exact: dict[str, str] = {}
        self.lowered: dict[str, str] = {}
        self.fallback: str | None = None

    def fit(self, token_lists: Sequence[Sequence[str]], tag_lists: Sequence[Sequence[str]]) -> MajorityTagBaseline:
        """Count tags per word in the source-language sentences; return ``self``."""
        if len(token_lists) != len(tag_lists):
            raise ValueError(f"{len(token_lists)} sentences but {len(tag_lists)} tag lists")
        overall: Counter[str] = Counter()
        exact: defaultdict[str, Counter[str]] = defaultdict(Counter)
        lowered: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for i, (tokens, tags) in enumerate(zip(token_lists, tag_lists, strict=True)):
            if len(tokens) != len(tags):
                raise ValueError(f"sentence {i} has {len(tokens)} words but {len(tags)} tags")
            for word, tag in zip(tokens, tags, strict=True):
                overall[tag] += 1
                exact[word][tag] += 1
                lowered[word.lower()][tag] += 1
        if not overall:
            raise ValueError("cannot fit the majority-tag baseline on zero words")
        rank = {tag: (count, -i) for i, (tag, count) in enumerate(overall.items())}

        def best(counts: Counter[str]) -> str:
            return max(counts, key=lambda tag: (counts[tag], *rank[tag]))

        self.fallback = max(overall, key=lambda tag: rank[tag])
        self.exact = {word: best(counts) for word, counts in exact.items()}
        self.lowered = {word: best(counts) for word, counts in lowered.items()} if self.lowercase else {}
        return self

    def predict(self, token_lists: Sequence[Sequence[str]]) -> list[list[str]]:
        """One tag per word of each sentence."""
        if self.fallback is None:
            raise RuntimeError("MajorityTagBaseline.predict called before fit")
        return [[self._tag(word) for word in tokens] for tokens in token_lists]

    def _tag(self, word: str) -> str:
        tag = self.exact.get(word)
        if tag is None and self.lowercase:
            tag = self.lowered.get(word.lower())
        return tag if tag is not None else self.fallback  # type: ignore[return-value]
