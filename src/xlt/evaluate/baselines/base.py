"""What every baseline offers: a name, ``fit`` on source-language data, ``predict`` on any language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class Baseline(Protocol):
    """A text classifier compared against the fine-tuned model.

    Sentence-pair tasks pass each pair already joined into one string.

    >>> from xlt.evaluate.baselines import LexicalBaseline
    >>> isinstance(LexicalBaseline(), Baseline)
    True
    """

    name: str

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Baseline: ...

    def predict(self, texts: Sequence[str]) -> list[str]: ...


@runtime_checkable
class TokenBaseline(Protocol):
    """A token tagger compared against the fine-tuned model: one tag per word of each sentence.

    >>> from xlt.evaluate.baselines import MajorityTagBaseline
    >>> isinstance(MajorityTagBaseline(), TokenBaseline)
    True
    """

    name: str

    def fit(self, token_lists: Sequence[Sequence[str]], tag_lists: Sequence[Sequence[str]]) -> TokenBaseline: ...

    def predict(self, token_lists: Sequence[Sequence[str]]) -> list[list[str]]: ...
