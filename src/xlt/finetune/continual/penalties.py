"""Penalties that keep a model near its earlier weights while it learns new data.

- :class:`L2SP` (Li et al. 2018, "Explicit Inductive Bias for Transfer Learning"):
  ``weight / 2 * sum((w - w0)^2)`` over the weights that train, toward the starting weights ``w0``.
- :class:`EWC` (Kirkpatrick et al. 2017, "Overcoming catastrophic forgetting"): the same, each weight
  scaled by its diagonal Fisher information on the earlier data, estimated from per-example
  gradients of the loss on earlier training examples (the empirical Fisher, gold labels). The Fisher
  is divided by its mean, so ``weight`` is on the same scale as L2-SP's (a weight of average
  importance gets L2-SP's pull).

:class:`PenalisedTrainer` adds a penalty to the HF ``Trainer`` loss. Neither penalty is in
transformers or PEFT, hence written here.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import Trainer


class L2SP:
    def __init__(self, model: nn.Module, weight: float) -> None:
        self.weight = weight
        self.anchor = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}

    def importance(self, name: str) -> torch.Tensor | float:
        return 1.0

    def __call__(self, model: nn.Module) -> torch.Tensor:
        total = None
        for name, p in model.named_parameters():
            if name in self.anchor:
                term = (self.importance(name) * (p - self.anchor[name]) ** 2).sum()
                total = term if total is None else total + term
        return 0.5 * self.weight * total if total is not None else torch.zeros(())


class EWC(L2SP):
    def __init__(self, model: nn.Module, weight: float, batches: list[dict]) -> None:
        super().__init__(model, weight)
        self.fisher = fisher_diagonal(model, batches, set(self.anchor))

    def importance(self, name: str) -> torch.Tensor:
        return self.fisher[name]


def fisher_diagonal(model: nn.Module, examples: list[dict], names: set[str]) -> dict[str, torch.Tensor]:
    """Mean squared per-example gradient of the loss, per weight, normalised to mean 1 over all weights."""
    fisher = {n: torch.zeros_like(p) for n, p in model.named_parameters() if n in names}
    was_training = model.training
    model.eval()  # no dropout noise in the gradients
    for example in examples:
        model.zero_grad()
        model(**example).loss.backward()
        for n, p in model.named_parameters():
            if n in fisher and p.grad is not None:
                fisher[n] += p.grad.detach() ** 2
    model.zero_grad()
    model.train(was_training)
    mean = torch.cat([f.flatten() for f in fisher.values()]).mean().clamp(min=1e-30)
    return {n: f / mean for n, f in fisher.items()}


class PenalisedTrainer(Trainer):
    """``Trainer`` whose training loss has ``penalty(model)`` added."""

    def __init__(self, *args, penalty=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.penalty = penalty

    def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
        loss, outputs = super().compute_loss(model, inputs, return_outputs=True, **kwargs)
        if self.penalty is not None and model.training:
            loss = loss + self.penalty(model)
        return (loss, outputs) if return_outputs else loss
