"""Baselines the fine-tuned model is compared against, all trained on the source language only.

>>> sorted(b.name for b in (LexicalBaseline(), FrozenEncoderBaseline(lambda texts: None)))
['frozen-encoder', 'lexical']
"""

from xlt.evaluate.baselines.base import Baseline
from xlt.evaluate.baselines.frozen_encoder import FrozenEncoderBaseline
from xlt.evaluate.baselines.lexical import LexicalBaseline

__all__ = ["Baseline", "FrozenEncoderBaseline", "LexicalBaseline"]
