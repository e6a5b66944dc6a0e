"""The task interface."""

from __future__ import annotations

from typing import ClassVar

from datasets import Dataset

from xlt.model.spec import ModelSpec


class Task:
    """Turns schema rows into model inputs and model outputs back into labels."""

    name: ClassVar[str]
    metrics: ClassVar[tuple[str, ...]]
    primary_metric: ClassVar[str]

    def labels(self, train: Dataset) -> list[str]:
        raise NotImplementedError

    def check_labels(self, ds: Dataset, labels: list[str], split: str, source: str | None = None) -> None:
        """Fail with a DataError if ``ds`` has labels outside ``labels``."""
        raise NotImplementedError

    def build_model(self, encoder, labels: list[str], *, dropout: float | None = None):
        raise NotImplementedError

    def encode(self, ds: Dataset, tokenizer, spec: ModelSpec, label2id: dict[str, int]) -> Dataset:
        raise NotImplementedError

    def predict(self, model, tokenizer, spec: ModelSpec, ds: Dataset, *, batch_size: int = 64) -> list[str]:
        raise NotImplementedError
