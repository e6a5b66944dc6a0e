"""Frozen-encoder baseline for extractive QA: only the span head (start/end logits) is trained.

The QA counterpart of the linear probes for classification and tagging: the pretrained encoder
stays exactly as it was, its last hidden states of every training window are computed once, and a
single linear layer (hidden -> start, end) is fitted on them with the usual start/end
cross-entropy. Answers are then decoded with the task's own n-best span search, so the baseline
and the fine-tuned model differ only in what was trained.

Written here rather than with the HF ``Trainer``: the Trainer would run the frozen encoder again
on every epoch; caching the hidden states once makes the head's epochs nearly free.

``frozen`` is a :class:`~xlt.finetune.qa_frozen.FrozenQAEncoder` (built by ``QATask.frozen_features``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from datasets import Dataset


class SpanHeadBaseline:
    """Fit ``Linear(hidden, 2)`` on frozen hidden states; predict answer strings."""

    name = "frozen-encoder"

    def __init__(self, frozen, seed: int = 0, *, epochs: int = 4, learning_rate: float = 1e-3,
                 batch_size: int = 32) -> None:
        self.frozen, self.seed = frozen, seed
        self.epochs, self.learning_rate, self.batch_size = epochs, learning_rate, batch_size
        self.head: torch.nn.Linear | None = None
        self.losses: list[float] = []  # mean training loss per epoch

    def fit(self, rows: Sequence[dict], answers: Sequence[Sequence[str]]) -> SpanHeadBaseline:
        """Train the span head on the source-language questions ``rows`` (their answers carry the offsets)."""
        ds = Dataset.from_list(list(rows))
        if len(ds) == 0:
            raise ValueError("cannot fit the span-head baseline on zero questions")
        states, starts, ends = self.frozen.training_windows(ds)
        generator = torch.Generator().manual_seed(self.seed)
        torch.manual_seed(self.seed)
        head = torch.nn.Linear(states[0].shape[-1], 2)
        optimizer = torch.optim.AdamW(head.parameters(), lr=self.learning_rate)
        loss_fn = torch.nn.CrossEntropyLoss()
        for _ in range(self.epochs):
            total, batches = 0.0, 0
            for idx in torch.randperm(len(states), generator=generator).split(self.batch_size):
                hidden, mask = _pad([states[i] for i in idx])
                logits = head(hidden).masked_fill(~mask[..., None], torch.finfo(torch.float32).min)
                loss = (loss_fn(logits[..., 0], starts[idx]) + loss_fn(logits[..., 1], ends[idx])) / 2
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total, batches = total + loss.item(), batches + 1
            self.losses.append(total / batches)
        self.head = head.eval()
        return self

    def predict(self, rows: Sequence[dict]) -> list[str]:
        if self.head is None:
            raise RuntimeError("fit the span-head baseline before predict")
        return self.frozen.predict(Dataset.from_list(list(rows)), self.head)


def _pad(states: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack variable-length ``(tokens, hidden)`` windows into a zero-padded batch and its mask."""
    longest = max(s.shape[0] for s in states)
    hidden = torch.zeros(len(states), longest, states[0].shape[-1])
    mask = torch.zeros(len(states), longest, dtype=torch.bool)
    for i, s in enumerate(states):
        hidden[i, : s.shape[0]] = s.float()
        mask[i, : s.shape[0]] = True
    return hidden, mask
