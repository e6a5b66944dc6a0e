"""Run a TorchScript-traced classifier behind the interface xlt's prediction code uses (see onnx_model)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import torch


class TorchScriptClassifier:
    """A traced ``(input_ids, attention_mask) -> logits`` module that answers ``model(**batch).logits``."""

    def __init__(self, path: str | Path, config, device: torch.device | str = "cpu") -> None:
        self.path = Path(path)
        self.config = config
        self.device = torch.device(device)
        self.module = torch.jit.load(str(self.path), map_location=self.device).eval()

    def eval(self) -> TorchScriptClassifier:
        return self

    @torch.inference_mode()
    def __call__(self, input_ids, attention_mask, **_) -> SimpleNamespace:
        return SimpleNamespace(logits=self.module(input_ids, attention_mask))
