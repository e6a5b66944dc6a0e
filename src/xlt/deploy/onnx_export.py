"""Export a classifier to ONNX with ``torch.onnx`` (TorchScript-based exporter, dynamic batch and length).

Optimum's exporter does not know xlt's mean-pooling head (a custom architecture), so the model goes
through ``torch.onnx.export`` directly; the graph is checked with ``onnx.checker`` afterwards.
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
    with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches in attention
        torch.onnx.export(
            module, example_inputs(tokenizer, prefix), str(target), dynamo=False, opset_version=opset,
            input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
                          "logits": {0: "batch"}},
        )
    onnx.checker.check_model(str(target))
    return target
