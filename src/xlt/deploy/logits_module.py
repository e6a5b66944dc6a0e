"""A plain ``(input_ids, attention_mask) -> logits`` module: what ONNX export and TorchScript tracing need."""

from __future__ import annotations

import torch


class LogitsModule(torch.nn.Module):
    """Wraps a classifier so that it takes positional tensors and returns the logits tensor only."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


def example_inputs(tokenizer, prefix: str = "") -> tuple[torch.Tensor, torch.Tensor]:
    """A padded batch of two texts of different lengths: export sees a batch and padding."""
    enc = tokenizer([prefix + "a short text", prefix + "a longer text with a few more words in it"],
                    padding=True, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]
