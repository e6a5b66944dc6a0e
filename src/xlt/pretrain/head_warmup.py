"""Fit a NEW masked-LM head alone (encoder frozen) for a few steps before pretraining.

With a random head the "before" held-out MLM loss only measures the random head (~ln(vocabulary)); fitting the
head first makes before/after compare what the ENCODER learned - the MLM analogue of ``training.head_init:
probe`` in fine-tuning. A short hand loop (no checkpoints, no schedule) is all it needs.
"""

from __future__ import annotations

import itertools

import torch

from xlt.pretrain.objectives.masked import mlm_head


def head_parameters(model) -> list[torch.nn.Parameter]:
    """The head's own parameters; a decoder tied to the input embeddings belongs to the encoder."""
    tied = model.get_input_embeddings().weight.data_ptr()
    return [p for p in mlm_head(model).parameters() if p.data_ptr() != tied]


def warm_up_head(model, objective, sampler, *, steps: int, batch_size: int, learning_rate: float = 1e-3) -> list[float]:
    """Train only :func:`head_parameters` on ``objective`` batches (on the model's device); returns the loss of
    each step."""
    params = head_parameters(model)
    trainable = {id(p) for p in params}
    saved = {n: p.requires_grad for n, p in model.named_parameters()}
    for p in model.parameters():
        p.requires_grad_(id(p) in trainable)
    optimizer = torch.optim.AdamW(params, lr=learning_rate)
    stream = iter(sampler)
    losses = []
    model.train()
    try:
        for _ in range(steps):
            batch = objective.collate(list(itertools.islice(stream, batch_size)))
            batch.pop("token_counts", None)
            batch = {k: v.to(model.device) for k, v in batch.items()}
            loss = objective.loss(model, batch)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(round(float(loss.detach()), 4))
    finally:
        for n, p in model.named_parameters():
            p.requires_grad_(saved[n])
    return losses
