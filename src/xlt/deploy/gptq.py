"""GPTQ: round the encoder's weights onto ONNX Runtime's int8 grid so that the rounding errors cancel.

ONNX Runtime's dynamic quantisation stores each weight matrix with one scale per output channel
(``max|W_row| / 127``, symmetric) and rounds every weight to the nearest step; on an encoder classifier that
rounding alone moves the logits more than the activations' on-the-fly quantisation (``bench/RESULTS.md``).

GPTQ (Frantar et al., 2023, "Accurate post-training quantization for generative pre-trained
transformers") rounds one input column at a time and spreads each column's rounding error over the
columns not yet rounded, weighted by the inverse of ``H = X^T X``, the second moment of the layer's
inputs on calibration texts: the layer's *output* error ``(W - Q) X`` is what it minimises, not the
weights'. The result lies on the same grid (same scales), so ONNX Runtime quantises it again to exactly
these integers and the int8 graph runs as fast as before. The row maximum is kept as it is, so that
ONNX Runtime computes the same scale.

Why it is written here: the GPTQ packages (AutoGPTQ, GPTQModel, llm-compressor) quantise decoder LLMs
into their own kernels and formats for GPUs; none writes fp32 weights on ONNX Runtime's per-channel int8
grid. The algorithm itself is ~30 lines (below, after the paper's Algorithm 1 with lazy batch updates).

>>> torch.manual_seed(0) and None
>>> w, x = torch.randn(8, 16), torch.randn(256, 16) @ torch.randn(16, 16)  # correlated input channels
>>> q = gptq_round(w, x.T.double() @ x.double())
>>> steps = q / int8_grid_scale(w)
>>> bool(torch.allclose(steps, steps.round(), atol=1e-3))  # on ORT's grid
True
>>> nearest = (w / int8_grid_scale(w)).round() * int8_grid_scale(w)
>>> float(((x @ (q - w).T) ** 2).mean()) < float(((x @ (nearest - w).T) ** 2).mean())  # smaller output error
True
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import torch

from xlt.deploy.calibration import visit_linear_inputs

log = logging.getLogger("xlt")

DAMPING = 0.01  # the paper's default: 1% of the mean diagonal of H is added to it
BLOCK = 128  # columns rounded per lazy batch (speed only; the result is the same)


def int8_grid_scale(weight: torch.Tensor) -> torch.Tensor:
    """ONNX Runtime's symmetric per-output-channel int8 scale of ``weight`` ([out, in]): ``max|W_row| / 127``."""
    return weight.abs().amax(1, keepdim=True).clamp(min=1e-12) / 127


def gptq_round(weight: torch.Tensor, hessian: torch.Tensor, *, damping: float = DAMPING,
               block: int = BLOCK) -> torch.Tensor:
    """``weight`` ([out, in]) rounded onto its int8 grid by GPTQ, given ``hessian`` = X^T X ([in, in])."""
    w = weight.detach().double().clone()
    scale = int8_grid_scale(w)
    h = hessian.double().clone()
    dead = torch.diag(h) == 0  # an input channel that was always 0 in calibration: its error cannot spread
    h[dead, dead] = 1
    h += damping * torch.diag(h).mean() * torch.eye(h.shape[0], dtype=h.dtype)
    # the upper Cholesky factor of H^-1: row i holds how column i's error is spread over columns i..n
    h_inv = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(h)), upper=True)
    q = torch.zeros_like(w)
    for start in range(0, w.shape[1], block):
        end = min(start + block, w.shape[1])
        w_block, h_block = w[:, start:end].clone(), h_inv[start:end, start:end]
        errors = torch.zeros_like(w_block)
        for i in range(end - start):
            column = w_block[:, i]
            rounded = (column / scale[:, 0]).round().clamp(-127, 127) * scale[:, 0]
            q[:, start + i] = rounded
            errors[:, i] = (column - rounded) / h_block[i, i]
            w_block[:, i:] -= errors[:, i:i + 1] @ h_block[i:i + 1, i:]
        w[:, end:] -= errors @ h_inv[start:end, end:]
    # keep each row's largest weight exactly (+-127 steps) so that ONNX Runtime derives the same scale
    rows, cols = torch.arange(w.shape[0]), weight.abs().argmax(1)
    q[rows, cols] = weight.detach().double()[rows, cols]
    return q.to(weight.dtype)


def input_hessians(model: torch.nn.Module, tokenizer, texts: Sequence[str], text_pairs: Sequence[str] | None = None,
                   *, max_length: int = 128) -> dict[str, torch.Tensor]:
    """``X^T X`` (float64) of the input of every token-wise ``nn.Linear`` over ``texts`` (padding left out)."""
    hessians: dict[str, torch.Tensor] = {}

    def record(name: str, x: torch.Tensor, tokenwise: bool) -> None:
        if tokenwise:  # a head on the pooled vector is exported as Gemm and stays fp32 (calibration.py)
            x = x.double()
            hessians[name] = hessians[name] + x.T @ x if name in hessians else x.T @ x

    visit_linear_inputs(model, tokenizer, texts, text_pairs, record, max_length=max_length)
    return hessians


@torch.no_grad()
def gptq_round_linear_layers(model: torch.nn.Module, tokenizer, texts: Sequence[str],
                             text_pairs: Sequence[str] | None = None, *, max_length: int = 128) -> dict:
    """Round, in place, the weights of every token-wise ``nn.Linear`` of ``model`` by GPTQ on ``texts``.

    ``texts`` (already prefixed) are the calibration data - the run's source training texts. Each layer's
    ``H`` comes from the full-precision model's inputs, in one pass (the paper quantises layer by layer on
    the inputs of the layers already quantised; that variant is not tried here). Returns what was done,
    for the variant card.
    """
    hessians = input_hessians(model, tokenizer, texts, text_pairs, max_length=max_length)
    for name, hessian in hessians.items():
        linear = model.get_submodule(name)
        linear.weight.copy_(gptq_round(linear.weight, hessian))
    log.info("GPTQ: rounded %d layers on %d calibration texts", len(hessians), len(texts))
    return {"method": "gptq", "layers": len(hessians), "damping": DAMPING, "calibration_texts": len(texts)}
