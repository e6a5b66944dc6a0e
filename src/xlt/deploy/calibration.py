"""Run calibration texts through a model and hand every ``nn.Linear``'s input to a visitor.

SmoothQuant (:mod:`xlt.deploy.smooth_quant`) needs each layer's largest input per channel and GPTQ
(:mod:`xlt.deploy.gptq`) each layer's input second moment ``X^T X``; both see the same inputs, with padding
positions left out so that a batch's padding cannot set a scale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

# visit(layer name, inputs as [tokens, channels], token-wise): token-wise is True for a [batch, length,
# channels] input (a layer applied to every token: the encoder's MatMuls) and False for a [batch, channels]
# one (a head on the pooled vector, exported as Gemm, which ONNX Runtime's dynamic quantiser leaves in fp32).
Visitor = Callable[[str, torch.Tensor, bool], None]


@torch.inference_mode(False)
@torch.no_grad()
def visit_linear_inputs(model: torch.nn.Module, tokenizer, texts: Sequence[str], text_pairs: Sequence[str] | None,
                        visit: Visitor, *, batch_size: int = 32, max_length: int = 128) -> None:
    """Call ``visit`` with the input of every ``nn.Linear`` of ``model`` on each batch of ``texts``."""
    mask: list[torch.Tensor] = []

    def hook(name: str):
        def record(module, inputs):
            x = inputs[0].detach()
            tokenwise = x.dim() == 3
            if tokenwise:
                x = x[mask[0].bool()]  # real tokens only
            visit(name, x.reshape(-1, x.shape[-1]), tokenwise)
        return record

    handles = [m.register_forward_pre_hook(hook(n)) for n, m in model.named_modules()
               if isinstance(m, torch.nn.Linear)]
    try:
        model.eval()
        for start in range(0, len(texts), batch_size):
            pairs = list(text_pairs[start:start + batch_size]) if text_pairs is not None else None
            enc = tokenizer(list(texts[start:start + batch_size]), pairs, padding=True, truncation=True,
                            max_length=max_length, return_tensors="pt")
            mask[:] = [enc["attention_mask"]]
            model(**enc)
    finally:
        for handle in handles:
            handle.remove()
