"""Batch prediction speed: xlt against ``transformers.pipeline("text-classification")``, one run.

Same saved model (default: the demo run's ``model/``), same texts (the emoji-groups test split of
all 14 languages, with the model's input prefix), three ways:

- ``pipeline`` with its default batch size (one text at a time),
- ``pipeline(..., batch_size=32)``,
- ``xlt`` (:func:`xlt.model.predict.predict_logits`: tokenise once, length-sorted batches, as many
  single-threaded forward passes at once as torch has CPU threads),
- ``xlt onnx fp32``: the same, on the model's fp32 ONNX variant (``xlt export RUN --format onnx``, exported
  here to a temporary folder when ``--onnx`` is not given): what ``xlt predict RUN/exports/onnx`` runs.

Predictions must be identical; the script fails otherwise. The CPU model and its ISA flags are printed with
the figures (ONNX Runtime's and torch's CPU kernels differ by ISA).

    make demo && python bench/predict_speed.py [--model runs/demo-emoji-groups/model]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from xlt.evaluate.machine import cpu_line

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("runs/demo-emoji-groups/model"))
    parser.add_argument("--batch-size", type=int, default=64, help="xlt's batch size")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of the batched ways (median reported)")
    parser.add_argument("--onnx", type=Path, default=None, help="an fp32 ONNX variant of --model (default: "
                        "exported now to a temporary folder)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "predict_speed.json")
    args = parser.parse_args()
    if not (args.model / "config.json").is_file():
        raise SystemExit(f"{args.model} is not a model folder: run `make demo` first or pass --model")

    import transformers
    from transformers import pipeline

    from xlt.corpus.config import DataConfig
    from xlt.deploy.export import export_variant
    from xlt.finetune.load import load_saved
    from xlt.model.predict import default_streams, predict_logits

    transformers.logging.set_verbosity_error()
    print(f"CPU: {cpu_line()}", flush=True)
    saved = load_saved(args.model)
    test = DataConfig.model_validate({"pool": {"format": "builtin:emoji-groups"},
                                      "source_languages": ["en"]}).load()["test"]
    texts = saved.spec.apply_prefix(test["text"])
    id2label = saved.model.config.id2label

    clf = pipeline("text-classification", model=str(args.model), trust_remote_code=True, device="cpu")
    onnx = load_saved(args.onnx or export_variant(args.model, "onnx", output=Path(tempfile.mkdtemp()) / "onnx"))

    def xlt_labels(saved_model) -> list[str]:
        return [id2label[int(i)] for i in predict_logits(
            saved_model.model, saved_model.tokenizer, texts, batch_size=args.batch_size,
            max_length=saved.spec.resolved_max_length(), progress=False).argmax(-1)]

    ways = {"pipeline (default)": lambda: [r["label"] for r in clf(texts)],
            "pipeline batch 32": lambda: [r["label"] for r in clf(texts, batch_size=32)],
            "xlt": lambda: xlt_labels(saved),
            "xlt onnx fp32": lambda: xlt_labels(onnx)}
    clf(texts[:8])  # warm-ups; xlt's also builds every stream (and ONNX's one-thread session)
    predict_logits(saved.model, saved.tokenizer, texts[:256], progress=False)
    predict_logits(onnx.model, onnx.tokenizer, texts[:256], progress=False)

    # Rounds interleave the ways, so a slower minute of a shared machine hits all of them; medians are reported.
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    labels: dict[str, list[str]] = {}
    for round_ in range(args.rounds):
        for name, fn in ways.items():
            if name == "pipeline (default)" and round_:  # one text at a time: one round is enough to rank it
                continue
            start = time.perf_counter()
            labels[name] = fn()
            seconds[name].append(time.perf_counter() - start)
            print(f"round {round_ + 1} {name:>20}: {len(texts) / seconds[name][-1]:7.1f} texts/s", flush=True)
    results = {name: {"seconds": statistics.median(s), "texts_per_second": len(texts) / statistics.median(s),
                      "rounds_texts_per_second": [len(texts) / x for x in s]} for name, s in seconds.items()}
    reference = labels["pipeline (default)"]

    mismatches = {name: sum(a != b for a, b in zip(reference, labels[name], strict=True))
                  for name in ("pipeline batch 32", "xlt", "xlt onnx fp32")}
    if any(mismatches.values()):
        raise SystemExit(f"predictions differ from the default pipeline: {mismatches}")
    for ours_name in ("xlt", "xlt onnx fp32"):
        for name in ("pipeline (default)", "pipeline batch 32"):
            ratio = results[ours_name]["texts_per_second"] / results[name]["texts_per_second"]
            results[ours_name][f"speedup_vs_{name}"] = ratio
            print(f"{ours_name} / {name}: {ratio:.2f}x (medians of {args.rounds} rounds; default pipeline: 1)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"texts": len(texts), "model": str(args.model), "identical": True,
                                    "rounds": args.rounds, "cpu": cpu_line(), "streams": default_streams(saved.model),
                                    "results": results}, indent=2) + "\n")
    print(f"{len(texts)} texts, identical predictions; wrote {args.out}")


if __name__ == "__main__":
    main()
