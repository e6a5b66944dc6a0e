"""Fixtures for the fine-tuning tests: the tiny model's tokenizer and fresh tiny classifiers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch


@pytest.fixture(scope="session")
def tiny_tokenizer(tiny_model: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model)


@pytest.fixture
def make_classifier(tiny_model: Path) -> Callable[..., torch.nn.Module]:
    """Build a fresh mean-pooling classifier on the tiny encoder, with a random (non-tiny) head."""
    from transformers import AutoModel

    from xlt.finetune.tasks import ClassificationTask

    def make(labels: tuple[str, ...] = ("a", "b", "c"), seed: int = 0) -> torch.nn.Module:
        encoder = AutoModel.from_pretrained(tiny_model, add_pooling_layer=False)
        model = ClassificationTask().build_model(encoder, list(labels))
        torch.manual_seed(seed)
        with torch.no_grad():
            model.classifier.weight.normal_(0, 1.0)  # logits that differ clearly between inputs
        return model.eval()

    return make

