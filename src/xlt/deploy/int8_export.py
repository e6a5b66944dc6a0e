"""The int8 ONNX graph of a classifier: plain dynamic quantisation, or SmoothQuant first - whichever is closer.

Smoothing (:mod:`xlt.deploy.smooth_quant`) helps where outlier channels cost precision (emoji-groups:
-1.2 -> -0.5 points) but adds one Mul per smoothed layer and can also cost a little (SIB-200: 0.0 ->
-0.7, inside the noise). So with calibration data both graphs are built and the one whose logits are
closer (mean squared error) to the fp32 model's on *other* source training texts is kept; the variant
card records both errors. No test data is involved in the choice.
"""

from __future__ import annotations

import copy
import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from xlt.deploy.onnx_export import export_onnx
from xlt.deploy.quantize import quantize_int8

log = logging.getLogger("xlt")


def _quantized(model, tokenizer, target: Path, prefix: str) -> Path:
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        fp32 = export_onnx(model, tokenizer, Path(tmp) / "fp32.onnx", prefix=prefix)
        return quantize_int8(fp32, target)


def _logit_mse(path: Path, config, tokenizer, reference: np.ndarray, texts, pairs, max_length: int) -> float:
    from xlt.deploy.onnx_model import OnnxClassifier
    from xlt.finetune.predict import predict_logits

    logits = predict_logits(OnnxClassifier(path, config), tokenizer, texts, pairs, max_length=max_length,
                            desc="int8 check")
    return float(np.mean((logits - reference) ** 2))


def export_int8(model, tokenizer, target: Path, *, prefix: str = "", max_length: int = 128,
                calibration: tuple[Sequence[str], Sequence[str] | None] | None = None,
                check: tuple[Sequence[str], Sequence[str] | None] | None = None) -> dict | None:
    """Write the int8 graph of ``model`` to ``target``; returns the smoothing report (None: not tried).

    ``calibration`` (texts, text pairs or None), already prefixed: the inputs SmoothQuant measures;
    ``check``: different inputs on which the plain and the smoothed graph are compared with fp32.
    """
    from xlt.deploy.smooth_quant import smooth_outlier_layers
    from xlt.finetune.predict import predict_logits

    _quantized(model, tokenizer, target, prefix)
    if calibration is None:
        return None
    smoothed = copy.deepcopy(model)
    report = smooth_outlier_layers(smoothed, tokenizer, calibration[0], calibration[1], max_length=max_length)
    if not report["layers"]:
        report["kept"] = "plain (no layer has outlier inputs)"
        return report
    candidate = target.with_name("smoothed-" + target.name)
    try:
        _quantized(smoothed, tokenizer, candidate, prefix)
        texts, pairs = check or calibration
        reference = predict_logits(model, tokenizer, texts, pairs, max_length=max_length, desc="fp32 check")
        mse = {name: _logit_mse(path, model.config, tokenizer, reference, texts, pairs, max_length)
               for name, path in (("plain", target), ("smoothed", candidate))}
        report["logit_mse_vs_fp32"] = {k: round(v, 5) for k, v in mse.items()}
        report["check_texts"] = len(texts)
        report["kept"] = "smoothed" if mse["smoothed"] < mse["plain"] else "plain"
        if report["kept"] == "smoothed":
            candidate.replace(target)
    finally:
        candidate.unlink(missing_ok=True)
    log.info("int8: %d layers with outlier inputs; logit MSE vs fp32 plain %.4f, smoothed %.4f -> kept %s",
             len(report["layers"]), mse["plain"], mse["smoothed"], report["kept"])
    return report
