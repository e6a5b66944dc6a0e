"""Baselines the fine-tuned model is compared against, all trained on the source language only.

Text classification: :class:`LexicalBaseline`, :class:`FrozenEncoderBaseline`. Token tagging
(one list of words in, one list of tags out): :class:`MajorityTagBaseline`, :class:`TokenProbeBaseline`.
Extractive QA: :class:`SpanHeadBaseline` (only the span head trained on the frozen encoder).

>>> sorted(b.name for b in (LexicalBaseline(), FrozenEncoderBaseline(lambda texts: None)))
['frozen-encoder', 'lexical']
>>> sorted(b.name for b in (MajorityTagBaseline(), TokenProbeBaseline(lambda sentences: [])))
['frozen-encoder', 'majority-tag']
"""

from xlt.evaluate.baselines.base import Baseline, TokenBaseline
from xlt.evaluate.baselines.frozen_encoder import FrozenEncoderBaseline
from xlt.evaluate.baselines.lexical import LexicalBaseline
from xlt.evaluate.baselines.majority_tag import MajorityTagBaseline
from xlt.evaluate.baselines.span_head import SpanHeadBaseline
from xlt.evaluate.baselines.token_probe import TokenProbeBaseline

__all__ = ["Baseline", "FrozenEncoderBaseline", "LexicalBaseline", "MajorityTagBaseline", "SpanHeadBaseline",
           "TokenBaseline", "TokenProbeBaseline"]
