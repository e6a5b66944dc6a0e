"""Load an exported variant folder as a :class:`~xlt.model.saved.SavedModel` (the runtime wrapped)."""

from __future__ import annotations

from pathlib import Path

import torch

from xlt.errors import ModelError
from xlt.model.card import ModelCard
from xlt.model.saved import SavedModel, spec_of
from xlt.model.variant import RUNTIMES, VariantCard


def load_variant(path: Path, card: VariantCard, device: torch.device | None = None) -> SavedModel:
    """The variant's runtime (ONNX Runtime session, TorchScript module or torch model) with tokenizer and card."""
    from transformers import AutoConfig, AutoTokenizer

    runtime = path / card.runtime_file
    if not runtime.is_file():
        raise ModelError(f"{path} is a {card.format} variant but {runtime.name} is missing")
    xlt_card = ModelCard.read(path) or ModelCard()
    model = RUNTIMES[card.format].load(path, runtime, AutoConfig.from_pretrained(path), device or torch.device("cpu"))
    return SavedModel(model, AutoTokenizer.from_pretrained(path), spec_of(str(path), xlt_card), xlt_card)
