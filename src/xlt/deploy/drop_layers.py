"""Remove the top N encoder layers, then distil the full model into what is left.

The pruned student keeps the embeddings, the bottom layers and the classification head; a short
re-fit on the run's source training data teaches it to match the full model's outputs (soft targets
at temperature T, as in DistilBERT) and the gold labels. The embeddings stay frozen: they are most
of a multilingual model's weights and what carries the other languages, and re-fitting them on
source-language text alone would pull them away from the rest.

The loop is written out (about twenty lines) because the HF Trainer has no distillation loss; a
Trainer subclass overriding ``compute_loss`` would be as long and slower to read. It runs on ``device``
with plain ``.to(device)`` (one process, fp32: accelerate's ``prepare`` would add nothing), and hands both
models back on the device they came on, since the exporters trace on the CPU.
"""

from __future__ import annotations

import copy
import logging
import math
import time

import numpy as np
import torch
from torch import nn

from xlt.device import resolve_device
from xlt.errors import ConfigError, ModelError
from xlt.model.predict import predict_logits

log = logging.getLogger("xlt")


def _layer_stack(model: nn.Module) -> nn.Module:
    """The module holding the transformer layers as ``.layer`` (BERT/XLM-R-style encoders)."""
    encoder = getattr(model, getattr(model, "base_model_prefix", "encoder"), model)
    stack = getattr(encoder, "encoder", None)
    if not isinstance(getattr(stack, "layer", None), nn.ModuleList):
        raise ModelError(f"cannot find the encoder layers of {type(model).__name__} to drop")
    return stack


def encoder_layers(model: nn.Module) -> nn.ModuleList:
    """The list of transformer layers of a (BERT/XLM-R-style) classifier."""
    return _layer_stack(model).layer


def drop_top_layers(model: nn.Module, n: int) -> nn.Module:
    """A copy of ``model`` without its top ``n`` encoder layers (``config.num_hidden_layers`` updated)."""
    layers = encoder_layers(model)
    if not 0 < n < len(layers):
        raise ConfigError(f"--drop-layers must be between 1 and {len(layers) - 1} for this {len(layers)}-layer "
                          f"model, got {n}")
    student = copy.deepcopy(model)
    stack = _layer_stack(student)
    stack.layer = nn.ModuleList(list(stack.layer)[: len(layers) - n])
    student.config.num_hidden_layers = len(stack.layer)  # the encoder shares this config object
    return student


def distill(student: nn.Module, teacher: nn.Module, tokenizer, texts: list[str], labels: list[int] | None, *,
            text_pairs: list[str] | None = None, epochs: float = 2.0, learning_rate: float = 1e-4,
            batch_size: int = 32, temperature: float = 2.0, alpha: float = 0.5, max_length: int = 128,
            seed: int = 0, device: str | torch.device = "auto") -> dict:
    """Train ``student`` to match ``teacher``'s logits (and ``labels`` when given) on ``texts`` on ``device``
    (``auto``: a CUDA GPU, else MPS, else the CPU); returns stats."""
    if not texts:
        raise ConfigError("distillation needs the run's source training data, and it is empty")
    device = resolve_device(device)
    homes = [next(m.parameters()).device for m in (student, teacher)]
    student.to(device), teacher.to(device)
    try:
        return _distill(student, teacher, tokenizer, texts, labels, text_pairs=text_pairs, epochs=epochs,
                        learning_rate=learning_rate, batch_size=batch_size, temperature=temperature, alpha=alpha,
                        max_length=max_length, seed=seed, device=device)
    finally:
        student.to(homes[0]), teacher.to(homes[1])


def _distill(student, teacher, tokenizer, texts, labels, *, text_pairs, epochs, learning_rate, batch_size,
             temperature, alpha, max_length, seed, device) -> dict:
    started = time.perf_counter()
    teacher_logits = torch.from_numpy(predict_logits(teacher, tokenizer, texts, text_pairs, batch_size=64,
                                                     max_length=max_length, desc="teacher logits")).to(device)
    enc = tokenizer(texts, text_pairs, truncation=True, max_length=max_length)
    gold = torch.tensor(labels, device=device) if labels is not None else None
    for name, param in student.named_parameters():
        param.requires_grad = "embeddings" not in name
    params = [p for p in student.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=learning_rate, weight_decay=0.01)
    steps = max(1, math.ceil(epochs * len(texts) / batch_size))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: max(0.0, 1 - s / steps))
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    student.train()
    losses: list[float] = []
    order: list[int] = []
    for _ in range(steps):
        if len(order) < batch_size:
            order += rng.permutation(len(texts)).tolist()
        idx, order = order[:batch_size], order[batch_size:]
        batch = tokenizer.pad({k: [enc[k][i] for i in idx] for k in enc}, return_tensors="pt").to(device)
        logits = student(**batch).logits
        soft = nn.functional.kl_div(nn.functional.log_softmax(logits / temperature, -1),
                                    nn.functional.softmax(teacher_logits[idx] / temperature, -1),
                                    reduction="batchmean") * temperature**2
        loss = soft if gold is None else alpha * soft + (1 - alpha) * nn.functional.cross_entropy(logits, gold[idx])
        loss.backward()
        nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        losses.append(float(loss.detach()))
        if len(losses) % 10 == 0:
            log.info("distillation step %d/%d loss %.4f", len(losses), steps, np.mean(losses[-10:]))
    student.eval()
    for param in student.parameters():
        param.requires_grad = True
    return {"steps": steps, "epochs": epochs, "examples": len(texts), "learning_rate": learning_rate,
            "temperature": temperature, "alpha": alpha,
            "first_loss": losses[0], "last_loss": float(np.mean(losses[-5:])),
            "seconds": round(time.perf_counter() - started, 1)}
