"""The int8 ONNX graph of a model; for a classifier, the candidate whose logits stay closest to the fp32 model's.

Without calibration data (a tagger, a QA model, or an export outside a run folder) the graph is plain dynamic
quantisation (``rtn`` below), nothing calibrated or compared.

Dynamic int8 quantisation (:mod:`xlt.deploy.quantize`) loses accuracy in two places: the weights' rounding
and the activations' one scale per batch. With calibration data (the run's source training texts) xlt
builds up to four graphs and keeps the closest:

- ``rtn``: plain dynamic quantisation (every weight rounded to the nearest int8 step);
- ``gptq``: the weights rounded by GPTQ first (:mod:`xlt.deploy.gptq`), on the same grid;
- ``smoothquant`` and ``smoothquant+gptq``: outlier input channels moved into the weights first
  (:mod:`xlt.deploy.smooth_quant`; only when some layer has outlier inputs), then each rounding.

"Closest" is the mean squared error of the logits against the fp32 model's on *other* source training
texts than the calibration ones; the variant card records every candidate's error. No test data is
involved in the choice. All candidates run at the same speed, except that smoothing adds one element-wise
Mul per smoothed layer.
"""

from __future__ import annotations

import copy
import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from xlt.deploy.gptq import gptq_round_linear_layers
from xlt.deploy.onnx_export import export_onnx
from xlt.deploy.quantize import quantize_int8
from xlt.deploy.smooth_quant import smooth_outlier_layers
from xlt.model.predict import predict_logits

log = logging.getLogger("xlt")


def _quantized(model, tokenizer, target: Path, prefix: str, outputs: dict[str, tuple[str, ...]] | None = None) -> Path:
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        fp32 = export_onnx(model, tokenizer, Path(tmp) / "fp32.onnx", prefix=prefix, outputs=outputs)
        return quantize_int8(fp32, target)


def _logit_mse(path: Path, config, tokenizer, reference: np.ndarray, texts, pairs, max_length: int) -> float:
    from xlt.model.onnx_model import OnnxModel  # onnxruntime: an optional dependency

    logits = predict_logits(OnnxModel(path, config), tokenizer, texts, pairs, max_length=max_length,
                            desc="int8 check")
    return float(np.mean((logits - reference) ** 2))


def _candidates(model, tokenizer, texts, pairs, max_length: int) -> tuple[dict, dict]:
    """The models to quantise (name -> model; the caller's model untouched) and what was done to them."""

    smoothed = copy.deepcopy(model)
    smoothing = smooth_outlier_layers(smoothed, tokenizer, texts, pairs, max_length=max_length)
    bases = {"": model} | ({"smoothquant": smoothed} if smoothing["layers"] else {})
    models, gptq = {}, None
    for name, base in bases.items():
        models[name or "rtn"] = base
        rounded = copy.deepcopy(base)
        gptq = gptq_round_linear_layers(rounded, tokenizer, texts, pairs, max_length=max_length)
        models["+".join(filter(None, (name, "gptq")))] = rounded
    return models, {"smoothquant": smoothing, "gptq": gptq}


def export_int8(model, tokenizer, target: Path, *, prefix: str = "", max_length: int = 128,
                calibration: tuple[Sequence[str], Sequence[str] | None] | None = None,
                check: tuple[Sequence[str], Sequence[str] | None] | None = None,
                outputs: dict[str, tuple[str, ...]] | None = None) -> dict | None:
    """Write the int8 graph of ``model`` to ``target``; returns the calibration report (None: no calibration).

    ``calibration`` (texts, text pairs or None), already prefixed: the inputs SmoothQuant and GPTQ measure, for a
    classifier (one row of logits per text); ``check``: different inputs on which the candidates are compared with
    fp32 (default: the calibration ones). ``outputs``: the graph's outputs (:func:`xlt.deploy.onnx_export.export_onnx`);
    a model with other outputs than a classifier's is quantised without calibration.
    """

    if calibration is None:
        _quantized(model, tokenizer, target, prefix, outputs)
        return None
    models, report = _candidates(model, tokenizer, calibration[0], calibration[1], max_length)
    texts, pairs = check or calibration
    reference = predict_logits(model, tokenizer, texts, pairs, max_length=max_length, desc="fp32 check")
    paths = {name: target.with_name(f"{name}-{target.name}") for name in models}
    try:
        mse = {}
        for name, candidate in models.items():
            _quantized(candidate, tokenizer, paths[name], prefix)
            mse[name] = _logit_mse(paths[name], model.config, tokenizer, reference, texts, pairs, max_length)
        kept = min(mse, key=mse.get)
        paths[kept].replace(target)
    finally:
        for path in paths.values():
            path.unlink(missing_ok=True)
    report |= {"logit_mse_vs_fp32": {k: round(v, 5) for k, v in mse.items()}, "check_texts": len(texts),
               "kept": kept}
    log.info("int8: logit MSE vs fp32 %s -> kept %s", ", ".join(f"{k} {v:.4f}" for k, v in mse.items()), kept)
    return report
