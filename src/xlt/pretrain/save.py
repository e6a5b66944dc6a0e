"""Save a pretrained model as a folder that ``xlt train`` (``model.name``), plain transformers and
``SentenceTransformer(path)`` load."""

from __future__ import annotations

from pathlib import Path

from xlt.io import atomic_path
from xlt.model.card import ModelCard
from xlt.model.spec import ModelSpec
from xlt.model.st_save import write_st_files


def save_pretrained_model(model, tokenizer, target: Path, *, spec: ModelSpec, extra: dict) -> Path:
    """Weights (with the MLM head) + tokenizer + the xlt card; the prefix and pooling carry over, also as
    sentence-transformers files (its Transformer module loads the encoder without the MLM head)."""
    found = spec.resolution()
    with atomic_path(target) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        ModelCard.for_spec(spec, **extra).write(tmp)
        write_st_files(tmp, hidden_size=model.config.hidden_size, pooling=found["pooling"][0],
                       prefix=found["prefix"][0], max_length=found["max_length"][0],
                       include_prompt=found["include_prompt"][0])
    return target
