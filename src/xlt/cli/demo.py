"""The demo: English emoji names -> 13 other languages, zero-shot, with both baselines.

>>> demo_config().data.source_languages
['en']
"""

from __future__ import annotations

from xlt.finetune.config import TrainConfig

DEMO = {
    "name": "demo-emoji-groups",
    "task": "classification",
    "model": {"name": "builtin:multilingual-e5-small"},
    "data": {
        "pool": {"format": "builtin:emoji-groups"},
        "split": {"train": 0.7, "dev": 0.1, "test": 0.2, "seed": 0},
        "source_languages": ["en"],
    },
}


def demo_config(output_dir: str = "runs", overrides: list[str] | None = None) -> TrainConfig:
    return TrainConfig.validated({**DEMO, "output_dir": output_dir}, source="demo").with_overrides(overrides or [])
