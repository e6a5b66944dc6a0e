"""SmoothQuant before int8: the smoothed model computes the same logits, and outlier inputs get flatter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from xlt.deploy.smooth_quant import SmoothedLinear, input_channel_maxima, smooth_outlier_layers
from xlt.finetune.load import load_saved
from xlt.model.predict import predict_logits

TEXTS = ["red cat", "la maison bleu", "der hund", "blau", "the big red dog in the house", "soleil"]


def with_outlier_channel(run: Path):
    """The run's model with one LayerNorm channel blown up 60x: the next layers see an outlier input channel."""
    saved = load_saved(run / "model")
    with torch.no_grad():
        for layer in saved.model.base_model.encoder.layer:
            layer.attention.output.LayerNorm.weight[3] *= 60
    return saved


def ratio(maxima: torch.Tensor) -> float:
    return float(maxima.max() / maxima.median())


def test_smoothing_keeps_the_logits_and_flattens_the_outlier_inputs(tiny_run):
    saved = with_outlier_channel(tiny_run)
    model, tok = saved.model, saved.tokenizer
    before = predict_logits(model, tok, TEXTS)
    maxima = input_channel_maxima(model, tok, TEXTS)
    ffn1 = [name for name in maxima if name.endswith("intermediate.dense")]
    assert ffn1 and all(ratio(maxima[name]) >= 10 for name in ffn1)

    report = smooth_outlier_layers(model, tok, TEXTS)
    smoothed = {row["layer"] for row in report["layers"]}
    assert set(ffn1) <= smoothed
    assert report["calibration_texts"] == len(TEXTS) and report["alpha"] == 0.5
    np.testing.assert_allclose(predict_logits(model, tok, TEXTS), before, rtol=1e-4, atol=1e-4)

    layer = model.get_submodule(ffn1[0])
    assert isinstance(layer, SmoothedLinear)
    seen = {}
    handle = layer.linear.register_forward_pre_hook(lambda m, inputs: seen.update(x=inputs[0].abs().amax((0, 1))))
    with torch.no_grad():
        model(**tok(TEXTS, padding=True, return_tensors="pt"))
    handle.remove()
    assert ratio(seen["x"]) < ratio(maxima[ffn1[0]]) / 3  # what int8 quantises is much flatter


def test_layers_without_outliers_are_left_alone(tiny_run):
    saved = load_saved(tiny_run / "model")
    report = smooth_outlier_layers(saved.model, saved.tokenizer, TEXTS, min_ratio=float("inf"))
    assert report["layers"] == []
    assert not any(isinstance(m, SmoothedLinear) for m in saved.model.modules())
