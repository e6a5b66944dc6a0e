"""Continual learning: train an existing run further on a new language, measure what the old ones lose.

>>> from xlt.finetune.continual import forgetting
>>> forgetting({"en": 0.9, "de": 0.7}, {"en": 0.8, "de": 0.75}, ["en", "de"])
{'en': 0.1, 'de': -0.05}
"""

from xlt.finetune.continual.forgetting import forgetting, gain

__all__ = ["forgetting", "gain"]
