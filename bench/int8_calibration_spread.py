"""How much an int8 export's test accuracy depends on its calibration sample (issue 7).

``xlt export RUN --format onnx --quantize int8`` calibrates SmoothQuant and GPTQ on 256 source training
texts and chooses among its candidate graphs on 256 others. This runs the same export on ``--samples``
different shuffles of the source training split and scores each int8 graph on the run's whole test split
with the code of ``xlt evaluate`` / ``xlt variants``, so that a 1-point accuracy line can be read against
the spread that the choice of calibration texts alone produces.

    XLT_DATA=../shared/data python bench/int8_calibration_spread.py runs/sib200

Writes ``bench/results/int8_calibration_spread.json``; ~3 minutes per sample for SIB-200 on 2 cores.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from xlt.deploy.int8_export import export_int8
from xlt.finetune.config import TrainConfig
from xlt.finetune.evaluate_saved import evaluate_saved
from xlt.finetune.load import load_saved
from xlt.finetune.tasks import get_task
from xlt.io import write_json
from xlt.run_folder import RunFolder


def mean_accuracy(path: Path, test, output: Path) -> tuple[float, dict[str, float]]:
    langs = evaluate_saved(path, None, test=test, output=output)["systems"]["xlt"]["languages"]
    per_lang = {lang: round(s["accuracy"] * 100, 2) for lang, s in langs.items()}
    return round(statistics.fmean(s["accuracy"] for s in langs.values()) * 100, 2), per_lang


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a run folder with exports/onnx-int8 (xlt export ... --quantize int8)")
    parser.add_argument("--samples", type=int, default=5, help="calibration samples (shuffle seeds 0..N-1)")
    parser.add_argument("--texts", type=int, default=256, help="calibration texts (as many other texts check)")
    parser.add_argument("--out", type=Path, default=Path("bench/results/int8_calibration_spread.json"))
    args = parser.parse_args()

    run = RunFolder.find(args.run)
    saved = load_saved(run.model)
    data = TrainConfig.from_yaml(run.config).data.load()
    template = run.root / "exports" / "onnx-int8"  # the cards and tokenizer of the real export
    with tempfile.TemporaryDirectory() as tmp:
        fp32, fp32_langs = mean_accuracy(run.model, data["test"], Path(tmp) / "fp32")
        result = {"run": str(run.root), "fp32_mean_accuracy": fp32, "fp32_accuracy": fp32_langs, "samples": []}
        for seed in range(args.samples):
            texts, pairs = get_task(saved.task).model_inputs(data["train"].shuffle(seed=seed), saved.spec)
            n = args.texts
            variant = Path(tmp) / f"int8-{seed}"
            shutil.copytree(template, variant, ignore=shutil.ignore_patterns("model.onnx"))
            report = export_int8(saved.model, saved.tokenizer, variant / "model.onnx",
                                 prefix=saved.spec.resolved_prefix(), max_length=saved.spec.resolved_max_length(),
                                 calibration=(texts[:n], pairs[:n] if pairs else None),
                                 check=(texts[n:2 * n], pairs[n:2 * n] if pairs else None))
            acc, langs = mean_accuracy(variant, data["test"], Path(tmp) / f"eval-{seed}")
            row = {"seed": seed, "kept": report["kept"], "logit_mse_vs_fp32": report["logit_mse_vs_fp32"],
                   "mean_accuracy": acc, "delta": round(acc - fp32, 2), "accuracy": langs}
            result["samples"].append(row)
            print(f"seed {seed}: kept {row['kept']}, mean accuracy {acc:.2f} ({row['delta']:+.2f})", flush=True)
            shutil.rmtree(variant)
    deltas = [r["delta"] for r in result["samples"]]
    result["delta_mean"], result["delta_worst"] = round(statistics.fmean(deltas), 2), min(deltas)
    write_json(args.out, result)
    print(f"mean {result['delta_mean']:+.2f}, worst {result['delta_worst']:+.2f} -> {args.out}")


if __name__ == "__main__":
    main()
