"""SmoothQuant-style smoothing before dynamic int8 quantisation: move activation outliers into the weights.

ONNX Runtime's dynamic quantisation gives each activation tensor ONE scale per batch, set by its
largest value. The inputs of a BERT-family encoder's feed-forward layers have a few outlier
channels, far above the median channel (``bench/RESULTS.md``), so the other channels keep only a few of
the 256 levels. SmoothQuant (Xiao et al., 2023) divides each input channel ``j`` by
``s_j = max|X_j|^alpha / max|W_j|^(1 - alpha)`` and multiplies the matching weight column by ``s_j``;
the product ``X W^T`` is unchanged, the activation range is flatter, and the weights (quantised per
output channel) absorb the outliers.

The original folds ``1/s`` into the preceding LayerNorm. In a post-LN encoder that LayerNorm's output
is also the residual stream, so the fold would change the residual; here an explicit ``x * (1/s)``
runs before the layer instead (one element-wise Mul in the ONNX graph). Only layers whose calibration
input has outlier channels (largest channel maximum >= ``min_ratio`` x the median channel maximum)
are smoothed. ONNX Runtime offers SmoothQuant only inside static quantisation (an option of
``quantize_static``), and static int8 was less accurate and slower here; Optimum has none - so it is
written here, for the dynamic path.

>>> import torch
>>> lin = torch.nn.Linear(4, 2)
>>> x = torch.tensor([[1.0, 50.0, 1.0, 1.0], [1.0, -40.0, 2.0, 1.0]])
>>> before = lin(x)
>>> layer = SmoothedLinear(lin, smoothing_scales(x.abs().amax(0), lin.weight, alpha=0.5))
>>> bool(torch.allclose(layer(x), before, atol=1e-4))
True
>>> bool((x * layer.inverse_scale).abs().max() < x.abs().max())  # the outlier is flattened
True
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from xlt.deploy.calibration import visit_linear_inputs

DEFAULT_ALPHA = 0.5
DEFAULT_MIN_RATIO = 10.0


class SmoothedLinear(torch.nn.Module):
    """``linear(x * inverse_scale)`` with ``linear``'s weight columns multiplied by ``scale``: same output."""

    def __init__(self, linear: torch.nn.Linear, scale: torch.Tensor) -> None:
        super().__init__()
        self.linear = linear
        with torch.no_grad():
            linear.weight.mul_(scale.to(linear.weight.dtype))  # weight is [out, in]: column j times s_j
        self.register_buffer("inverse_scale", (1.0 / scale).to(linear.weight.dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x * self.inverse_scale)


def smoothing_scales(activation_max: torch.Tensor, weight: torch.Tensor, alpha: float = DEFAULT_ALPHA) -> torch.Tensor:
    """Per input channel ``max|X_j|^alpha / max|W_j|^(1-alpha)`` (SmoothQuant's migration strength ``alpha``)."""
    weight_max = weight.detach().abs().amax(0).clamp(min=1e-5)
    return (activation_max.clamp(min=1e-5) ** alpha / weight_max ** (1 - alpha)).clamp(min=1e-5)


def input_channel_maxima(model: torch.nn.Module, tokenizer, texts: Sequence[str],
                         text_pairs: Sequence[str] | None = None, *, batch_size: int = 32,
                         max_length: int = 128) -> dict[str, torch.Tensor]:
    """Largest |input| per channel of every ``nn.Linear`` over ``texts`` (padding positions left out)."""
    maxima: dict[str, torch.Tensor] = {}

    def record(name: str, x: torch.Tensor, tokenwise: bool) -> None:
        x = x.abs().amax(0).float()
        maxima[name] = torch.maximum(maxima[name], x) if name in maxima else x

    visit_linear_inputs(model, tokenizer, texts, text_pairs, record, batch_size=batch_size, max_length=max_length)
    return maxima


def smooth_outlier_layers(model: torch.nn.Module, tokenizer, texts: Sequence[str],
                          text_pairs: Sequence[str] | None = None, *, alpha: float = DEFAULT_ALPHA,
                          min_ratio: float = DEFAULT_MIN_RATIO, max_length: int = 128) -> dict:
    """Wrap, in place, every ``nn.Linear`` with outlier input channels in a :class:`SmoothedLinear`.

    ``texts`` (already prefixed) are the calibration data - the run's source training texts; returns what
    was done, for the variant card.
    """
    maxima = input_channel_maxima(model, tokenizer, texts, text_pairs, max_length=max_length)
    smoothed = []
    for name, act_max in maxima.items():
        ratio = float(act_max.max() / act_max.median().clamp(min=1e-5))
        if ratio < min_ratio:
            continue
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        linear = getattr(parent, child)
        setattr(parent, child, SmoothedLinear(linear, smoothing_scales(act_max.to(linear.weight.device),
                                                                       linear.weight, alpha)))
        smoothed.append({"layer": name, "outlier_ratio": round(ratio, 1)})
    return {"method": "smoothquant", "alpha": alpha, "min_ratio": min_ratio, "calibration_texts": len(texts),
            "layers": smoothed}
