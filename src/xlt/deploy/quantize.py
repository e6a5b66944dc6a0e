"""Dynamic int8 quantisation of an ONNX graph with ONNX Runtime's quantiser.

Weights of MatMul (the transformer layers) and Gather (the embedding table, most of a multilingual
model's size) become int8; activations are quantised on the fly per batch.

Weights get one scale per output channel (``per_channel=True``). With a single scale per tensor the
emoji-groups model lost 3.3 points of mean accuracy; per channel it loses 0.6 at the same speed
(``bench/RESULTS.md``, the variant tables).
"""

from __future__ import annotations

import logging
from pathlib import Path

QUANTIZATIONS = ("int8",)


def quantize_int8(source: Path, target: Path) -> Path:
    """Write the dynamically int8-quantised version of the ONNX graph ``source`` to ``target``."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser logs a generic "consider pre-processing" warning
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul", "Gather"], per_channel=True)
    finally:
        root.setLevel(level)
    return target
