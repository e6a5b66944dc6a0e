"""Export a model to ONNX with ``torch.onnx`` (TorchScript-based exporter, dynamic batch and length).

The graph reads ``input_ids`` and ``attention_mask`` and answers the outputs its task names
(:attr:`xlt.finetune.tasks.Task.export_outputs`): ``logits`` per text for a classifier, ``logits`` per token
for a tagger, ``start_logits`` and ``end_logits`` per token for extractive QA.

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
#: a classifier's one output: a row of logits per text (batch is the only dynamic axis)
CLASSIFIER_OUTPUTS: dict[str, tuple[str, ...]] = {"logits": ("batch",)}


def export_onnx(model: torch.nn.Module, tokenizer, target: Path, *, prefix: str = "", opset: int = OPSET,
                outputs: dict[str, tuple[str, ...]] | None = None) -> Path:
    """Write ``model`` as an ONNX graph ``input_ids, attention_mask -> outputs`` to ``target``.

    ``outputs``: the model outputs the graph answers, by name, each with its dynamic axes in order (``batch``,
    ``length``); default: a classifier's ``logits``.
    """
    import onnx

    outputs = outputs or CLASSIFIER_OUTPUTS
    module = LogitsModule(model.eval(), tuple(outputs)).eval()
    attention = model.config._attn_implementation
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation("eager")
    try:
        _export(module, tokenizer, target, prefix, opset, outputs)
    finally:
        if hasattr(model, "set_attn_implementation") and attention:
            model.set_attn_implementation(attention)
    onnx.checker.check_model(str(target))
    return target


def _export(module: torch.nn.Module, tokenizer, target: Path, prefix: str, opset: int,
            outputs: dict[str, tuple[str, ...]]) -> None:
    inputs = {"input_ids": ("batch", "length"), "attention_mask": ("batch", "length")}
    with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches in attention
        torch.onnx.export(
            module, example_inputs(tokenizer, prefix), str(target), dynamo=False, opset_version=opset,
            input_names=list(inputs), output_names=list(outputs),
            dynamic_axes={name: dict(enumerate(axes)) for name, axes in (inputs | outputs).items()},
        )
