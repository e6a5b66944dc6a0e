"""Multilingual continued pretraining: MLM, TLM, contrastive alignment and distillation, combinable with weights.

``xlt pretrain CONFIG`` writes ``runs/NAME/model``: a folder ``xlt train`` takes as ``model.name``.
"""

from xlt.pretrain.config import PretrainConfig
from xlt.pretrain.run import PretrainedRun, pretrain

__all__ = ["PretrainConfig", "PretrainedRun", "pretrain"]
