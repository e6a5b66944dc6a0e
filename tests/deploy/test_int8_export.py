"""int8 export: GPTQ rounding, and the candidate graph closest to fp32 is the one kept and recorded."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from xlt.deploy.gptq import gptq_round, gptq_round_linear_layers, input_hessians, int8_grid_scale
from xlt.deploy.smooth_quant import SmoothedLinear
from xlt.finetune.load import load_saved
from xlt.model.predict import predict_logits
from xlt.model.variant import read_variant

from .test_smooth_quant import TEXTS, with_outlier_channel


def test_gptq_stays_on_the_int8_grid_and_lowers_the_output_error():
    torch.manual_seed(0)
    weight = torch.randn(32, 64)
    weight[3, 5] = 9.0  # a row with an outlier: its scale is large
    mixing = torch.randn(64, 64)
    x = torch.randn(2000, 64) @ mixing  # correlated input channels, as in a real layer
    q = gptq_round(weight, x.T.double() @ x.double())
    scale = int8_grid_scale(weight)
    steps = q / scale
    assert torch.allclose(steps, steps.round(), atol=1e-3) and steps.abs().max() <= 127 + 1e-3
    assert torch.allclose(int8_grid_scale(q), scale)  # ORT derives the same scale from the rounded weights
    nearest = (weight / scale).round() * scale
    held_out = torch.randn(500, 64) @ mixing  # other inputs from the same distribution
    gptq_error = ((held_out @ (q - weight).T) ** 2).mean()
    nearest_error = ((held_out @ (nearest - weight).T) ** 2).mean()
    assert gptq_error < 0.75 * nearest_error


def test_gptq_rounds_the_encoder_layers_and_leaves_the_pooled_head(tiny_run):
    saved = load_saved(tiny_run / "model")
    model, tok = saved.model, saved.tokenizer
    hessians = input_hessians(model, tok, TEXTS)
    assert hessians and all(h.shape[0] == h.shape[1] for h in hessians.values())
    head = {n for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)} - set(hessians)
    before = {n: m.weight.detach().clone() for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)}
    report = gptq_round_linear_layers(model, tok, TEXTS)
    assert report["layers"] == len(hessians) and report["calibration_texts"] == len(TEXTS)
    for name, weight in before.items():
        after = model.get_submodule(name).weight.detach()
        if name in head:  # exported as Gemm, left in fp32 by ORT: not rounded
            assert torch.equal(after, weight)
        else:
            steps = after / int8_grid_scale(weight)
            assert torch.allclose(steps, steps.round(), atol=1e-3)


def test_int8_keeps_the_candidate_closest_to_fp32_and_says_why(tiny_run, tmp_path):
    from xlt.deploy.int8_export import export_int8
    from xlt.model.onnx_model import OnnxModel

    saved = with_outlier_channel(tiny_run)
    model, tok = saved.model, saved.tokenizer
    weights = {n: p.detach().clone() for n, p in model.named_parameters()}
    report = export_int8(model, tok, tmp_path / "model.onnx", calibration=(TEXTS, None), check=(TEXTS[::-1], None))
    mse = report["logit_mse_vs_fp32"]
    assert list(mse) == ["rtn", "gptq", "smoothquant", "smoothquant+gptq"]
    assert mse[report["kept"]] == min(mse.values()) and report["check_texts"] == len(TEXTS)  # ties: 5 decimals
    assert report["smoothquant"]["layers"] and report["gptq"]["method"] == "gptq"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]  # the other candidates are gone
    check = TEXTS[::-1]
    reference = predict_logits(model, tok, check)
    kept = predict_logits(OnnxModel(tmp_path / "model.onnx", model.config), tok, check)
    assert np.mean((kept - reference) ** 2) == pytest.approx(mse[report["kept"]], rel=1e-3, abs=1e-5)  # 5 decimals kept
    assert not any(isinstance(m, SmoothedLinear) for m in model.modules())  # the caller's model is untouched
    assert all(torch.equal(p, weights[n]) for n, p in model.named_parameters())


def test_int8_export_records_its_calibration(tiny_run, tmp_path):
    from xlt.deploy.export import export_variant

    calibrated = read_variant(export_variant(tiny_run, "onnx", quantize="int8", output=tmp_path / "a"))
    report = calibrated.int8_calibration
    assert report["kept"] in report["logit_mse_vs_fp32"] and "rtn" in report["logit_mse_vs_fp32"]
    assert "source training split" in report["data"]
    plain = read_variant(export_variant(tiny_run, "onnx", quantize="int8", output=tmp_path / "b",
                                        calibration_texts=0))
    assert plain.int8_calibration is None
