"""Export a classifier to ONNX with ``torch.onnx`` (TorchScript-based exporter, dynamic batch and length).

Optimum's exporter does not know xlt's mean-pooling head (a custom architecture), so the model goes
through ``torch.onnx.export`` directly; the graph is checked with ``onnx.checker`` afterwards.

The graph is traced through the model's *eager* attention (an additive mask before the softmax), not
the ``sdpa`` path transformers picks by default: traced, ``sdpa`` becomes a boolean mask applied with
``Where`` in every layer plus an ``IsNaN``/``Where`` pair that guards fully masked rows. Those
element-wise ops cost more than the int8 matrix products around them (``bench/RESULTS.md``, compressed
variants). The numbers are the same: both paths compute the same softmax(QK^T/sqrt(d) + mask)V.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch

from xlt.deploy.logits_module import LogitsModule, example_inputs

OPSET = 17


def export_onnx(model: torch.nn.Module, tokenizer, target: Path, *, prefix: str = "", opset: int = OPSET) -> Path:
    """Write ``model`` as an ONNX graph ``input_ids, attention_mask -> logits`` to ``target``."""
    import onnx

    module = LogitsModule(model.eval()).eval()
    attention = model.config._attn_implementation
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation("eager")
    try:
        _export(module, tokenizer, target, prefix, opset)
    finally:
        if hasattr(model, "set_attn_implementation") and attention:
            model.set_attn_implementation(attention)
    onnx.checker.check_model(str(target))
    return target


def _export(module: torch.nn.Module, tokenizer, target: Path, prefix: str, opset: int) -> None:
    with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches in attention
        torch.onnx.export(
            module, example_inputs(tokenizer, prefix), str(target), dynamo=False, opset_version=opset,
            input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
                          "logits": {0: "batch"}},
        )
