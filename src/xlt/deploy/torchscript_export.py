"""Export a classifier as a traced TorchScript module (``torch.jit.trace``; loads without xlt's code)."""

from __future__ import annotations

import warnings
from pathlib import Path

import torch

from xlt.deploy.logits_module import LogitsModule, example_inputs


def export_torchscript(model: torch.nn.Module, tokenizer, target: Path, *, prefix: str = "") -> Path:
    """Trace ``model`` on a padded example batch and save it to ``target``; checks it on another batch."""
    module = LogitsModule(model.eval()).eval()
    inputs = example_inputs(tokenizer, prefix)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer and deprecation warnings
        traced = torch.jit.trace(module, inputs, check_trace=False, strict=False)
        check = tokenizer([prefix + "one", prefix + "two words", prefix + "and three more"], padding=True,
                          return_tensors="pt")
        expected = module(check["input_ids"], check["attention_mask"])
        got = traced(check["input_ids"], check["attention_mask"])
        if not torch.allclose(expected, got, atol=1e-4):
            raise RuntimeError("the traced model does not reproduce the model on a new batch shape")
        traced.save(str(target))
    return target
