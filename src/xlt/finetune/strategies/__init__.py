"""Transfer strategies: which pretrained weights train and which stay as they were.

Each strategy is one file with a typed config and one :func:`register_strategy` call.

>>> from xlt.finetune.strategies import make_strategy
>>> make_strategy({"name": "freeze", "layers": 4}).config.layers
4
"""

from xlt.finetune.strategies.adapter import AdapterStrategy
from xlt.finetune.strategies.base import STRATEGIES, Strategy, make_strategy, register_strategy
from xlt.finetune.strategies.freeze import FreezeStrategy
from xlt.finetune.strategies.full import FullStrategy
from xlt.finetune.strategies.lora import LoraStrategy
from xlt.finetune.strategies.madx import MadxStrategy
from xlt.finetune.strategies.prompt import PromptStrategy
from xlt.finetune.strategies.top import TopStrategy
from xlt.model.parts import parameter_counts

register_strategy("full", FullStrategy)
register_strategy("freeze", FreezeStrategy)
register_strategy("top", TopStrategy)
register_strategy("lora", LoraStrategy)
register_strategy("adapter", AdapterStrategy)
register_strategy("madx", MadxStrategy)
register_strategy("prompt", PromptStrategy)

__all__ = ["STRATEGIES", "Strategy", "make_strategy", "parameter_counts", "register_strategy"]
