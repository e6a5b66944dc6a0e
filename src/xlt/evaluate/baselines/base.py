"""What every baseline offers: a name, ``fit`` on source-language texts, ``predict`` on any language."""

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
