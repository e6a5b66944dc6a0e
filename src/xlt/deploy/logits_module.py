"""A plain ``(input_ids, attention_mask) -> output tensors`` module: what ONNX export and TorchScript tracing need."""

from __future__ import annotations

import torch


class LogitsModule(torch.nn.Module):
    """Wraps a model so that it takes positional tensors and returns the named outputs only: one tensor for one
    name (``logits``), a tuple in the order of ``outputs`` for several (``start_logits``, ``end_logits``)."""

    def __init__(self, model: torch.nn.Module, outputs: tuple[str, ...] = ("logits",)) -> None:
        super().__init__()
        self.model = model
        self.outputs = tuple(outputs)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, ...]:
        out = self.model(input_ids=input_ids, attention_mask=attention_mask)
        tensors = tuple(getattr(out, name) for name in self.outputs)
        return tensors[0] if len(tensors) == 1 else tensors


def example_inputs(tokenizer, prefix: str = "") -> tuple[torch.Tensor, torch.Tensor]:
    """A padded batch of two texts of different lengths: export sees a batch and padding."""
    enc = tokenizer([prefix + "a short text", prefix + "a longer text with a few more words in it"],
                    padding=True, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]
