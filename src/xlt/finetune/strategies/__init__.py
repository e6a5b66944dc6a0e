"""Transfer strategies: which pretrained weights train and which stay as they were.

Each strategy is one file with a typed config and one line in :data:`STRATEGIES`.

>>> from xlt.finetune.strategies import make_strategy
>>> make_strategy({"name": "freeze", "layers": 4}).config.layers
4
"""

from xlt.finetune.strategies.adapter import AdapterStrategy
from xlt.finetune.strategies.base import STRATEGIES, Strategy, make_strategy
from xlt.finetune.strategies.freeze import FreezeStrategy
from xlt.finetune.strategies.full import FullStrategy
from xlt.finetune.strategies.lora import LoraStrategy
from xlt.finetune.strategies.madx import MadxStrategy
from xlt.finetune.strategies.prompt import PromptStrategy
from xlt.finetune.strategies.top import TopStrategy
from xlt.model.parts import parameter_counts

STRATEGIES.update({
    "full": FullStrategy,
    "freeze": FreezeStrategy,
    "top": TopStrategy,
    "lora": LoraStrategy,
    "adapter": AdapterStrategy,
    "madx": MadxStrategy,
    "prompt": PromptStrategy,
})

__all__ = ["STRATEGIES", "Strategy", "make_strategy", "parameter_counts"]
