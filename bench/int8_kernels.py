"""What dynamic int8 reaches on this CPU: ONNX Runtime's weight types, per-channel scales and thread settings.

ONNX Runtime quantises activations to uint8 at run time; the weights can be int8 (``QInt8``: the u8s8 kernels,
which AVX-512 VNNI and AMX run fast) or uint8 (``QUInt8``: u8u8, which on AVX2 avoids the s8 saturation
workaround), with one scale per tensor or per output channel. This quantises the demo run's fp32 ONNX graph
each way (``quantize_dynamic`` on MatMul and Gather, as ``xlt export --quantize int8`` does before its
calibration steps), then times every graph on the run's test texts - batches of 64, once as one two-thread
pass at a time and once as one single-thread pass per core at a time (:func:`xlt.model.predict.predict_logits`'s
``streams``) - plus the one-text latency, and scores accuracy and agreement with the fp32 graph. The fp32
graph is timed in the same run; the CPU model and ISA flags are recorded with the figures.

    make demo && xlt export runs/demo-emoji-groups --format onnx && python bench/int8_kernels.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from xlt.evaluate.machine import cpu_line, machine

HERE = Path(__file__).resolve().parent
WAYS = {"int8 weights (u8s8), per channel": ("QInt8", True), "int8 weights (u8s8), per tensor": ("QInt8", False),
        "uint8 weights (u8u8), per channel": ("QUInt8", True), "uint8 weights (u8u8), per tensor": ("QUInt8", False)}


def quantized(source: Path, target: Path, weight_type: str, per_channel: bool) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=getattr(QuantType, weight_type),
                     op_types_to_quantize=["MatMul", "Gather"], per_channel=per_channel)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, default=Path("runs/demo-emoji-groups"))
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (median reported)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "int8_kernels.json")
    args = parser.parse_args()
    fp32 = args.run / "exports" / "onnx" / "model.onnx"
    if not fp32.is_file():
        raise SystemExit(f"{fp32} not found: run `xlt export {args.run} --format onnx` first")

    from xlt.finetune.config import TrainConfig
    from xlt.finetune.load import load_saved
    from xlt.model.onnx_model import OnnxModel
    from xlt.model.predict import predict_logits

    print(f"CPU: {cpu_line()}", flush=True)
    saved = load_saved(fp32.parent)
    test = TrainConfig.from_yaml(args.run / "config.yaml").data.load()["test"]
    texts, gold = saved.spec.apply_prefix(list(test["text"])), list(test["label"])
    label2id = saved.model.config.label2id
    gold_ids = np.array([label2id[g] for g in gold])
    max_length = saved.spec.resolved_max_length()

    work = Path(tempfile.mkdtemp(prefix="xlt-int8-kernels-"))
    graphs = {"fp32": fp32}
    for name, (weight_type, per_channel) in WAYS.items():
        graphs[name] = quantized(fp32, work / f"{weight_type}-{per_channel}.onnx", weight_type, per_channel)
    models = {name: OnnxModel(path, saved.model.config) for name, path in graphs.items()}
    for model in models.values():  # warm-up: every stream and the one-thread session
        predict_logits(model, saved.tokenizer, texts[:256], max_length=max_length, progress=False)

    seconds: dict[str, dict[str, list[float]]] = {name: {"1x2": [], "2x1": [], "latency": []} for name in models}
    predictions: dict[str, np.ndarray] = {}
    for _ in range(args.rounds):  # rounds interleave the graphs: a slower minute hits all alike
        for name, model in models.items():
            for layout, streams in (("1x2", 1), ("2x1", None)):
                start = time.perf_counter()
                logits = predict_logits(model, saved.tokenizer, texts, batch_size=64, max_length=max_length,
                                        progress=False, streams=streams)
                seconds[name][layout].append(time.perf_counter() - start)
                predictions[name] = logits.argmax(-1)
            start = time.perf_counter()
            for text in texts[:200]:
                predict_logits(model, saved.tokenizer, [text], batch_size=1, max_length=max_length, progress=False)
            seconds[name]["latency"].append((time.perf_counter() - start) / 200)

    reference = seconds["fp32"]
    rows = {}
    for name, timing in seconds.items():
        row = {"texts_per_s_1x2": len(texts) / statistics.median(timing["1x2"]),
               "texts_per_s_2x1": len(texts) / statistics.median(timing["2x1"]),
               "latency_ms": 1000 * statistics.median(timing["latency"]),
               "accuracy": float((predictions[name] == gold_ids).mean()),
               "agreement_with_fp32": float((predictions[name] == predictions["fp32"]).mean()),
               "mb": graphs[name].stat().st_size / 2**20}
        row["speedup_2x1_vs_fp32_2x1"] = statistics.median(reference["2x1"]) / statistics.median(timing["2x1"])
        row["speedup_1x2_vs_fp32_1x2"] = statistics.median(reference["1x2"]) / statistics.median(timing["1x2"])
        row["latency_speedup_vs_fp32"] = statistics.median(reference["latency"]) / statistics.median(timing["latency"])
        rows[name] = row

    print(f"\n{len(texts)} texts of {args.run}; CPU {cpu_line()}; medians of {args.rounds} rounds\n")
    print("| graph | texts/s, 1 pass x 2 threads | texts/s, 2 passes x 1 thread | vs fp32 (2x1) | 1-text ms | "
          "vs fp32 | accuracy | = fp32 | MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        print(f"| {name} | {r['texts_per_s_1x2']:.1f} | {r['texts_per_s_2x1']:.1f} | "
              f"{r['speedup_2x1_vs_fp32_2x1']:.2f}x | {r['latency_ms']:.1f} | {r['latency_speedup_vs_fp32']:.2f}x | "
              f"{r['accuracy']:.3f} | {r['agreement_with_fp32']:.3f} | {r['mb']:.0f} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"run": str(args.run), "texts": len(texts), "rounds": args.rounds,
                                    "machine": machine(), "graphs": rows}, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
