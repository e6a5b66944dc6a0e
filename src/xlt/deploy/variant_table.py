"""The variant table: accuracy per language, texts/s, latency and size of a run's model and its exports.

Accuracy comes from ``evaluate_saved`` (what ``xlt evaluate`` runs) on the run's own test split, so the
first row reproduces the run's ``metrics.json``. Speed is measured for all variants in the same process,
round-robin over several rounds (median kept), so that load from other processes on a shared machine
falls on every variant alike and the ratios stay meaningful.
"""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

from xlt.errors import ConfigError
from xlt.evaluate.machine import machine
from xlt.evaluate.speed import latencies_ms, speed_sample, throughput, weights_size_mb
from xlt.finetune.config import TrainConfig
from xlt.finetune.evaluate_saved import evaluate_saved
from xlt.finetune.load import load_saved
from xlt.finetune.tasks import get_task
from xlt.io import write_json, write_text
from xlt.model.variant import read_variant
from xlt.run_folder import RunFolder

BASE_NAME = "torch-fp32"


def run_variants(run: RunFolder) -> dict[str, Path]:
    """The run's own model (``torch-fp32``) and every exported variant under ``<run>/exports``."""
    found = {BASE_NAME: run.model}
    exports = run.root / "exports"
    if exports.is_dir():
        found.update({p.name: p for p in sorted(exports.iterdir()) if read_variant(p) is not None})
    return found


def compare_variants(run_dir: str | Path, *, names: list[str] | None = None, speed_texts: int = 256,
                     rounds: int = 3, batch_size: int = 64, latency_texts: int = 16, limit: int | None = None) -> dict:
    """Evaluate and time the run's model and its variants; writes ``<run>/variants.{json,md}``.

    ``limit`` keeps the first N test rows per language (for a quick look; the table says so).
    """

    run = RunFolder.find(run_dir)
    if run is None:
        raise ConfigError(f"{run_dir} is not a run folder (config.yaml and model/)")
    variants = run_variants(run)
    if names:
        missing = sorted(set(names) - set(variants))
        if missing:
            raise ConfigError(f"no variant {missing} in {run.root / 'exports'}; found {sorted(variants)}")
        variants = {n: p for n, p in variants.items() if n in names}
    test = TrainConfig.from_yaml(run.config).data.load()["test"]
    if limit:
        counts: Counter[str] = Counter()
        keep = []
        for i, lang in enumerate(test["lang"]):
            counts[lang] += 1
            if counts[lang] <= limit:
                keep.append(i)
        test = test.select(keep)

    rows: dict[str, dict] = {}
    for name, path in variants.items():
        scores = evaluate_saved(path, None, test=test, output=run.root / "variants" / name)
        langs = scores["systems"]["xlt"]["languages"]
        card = read_variant(path)
        rows[name] = {"path": str(path), "format": card.format if card else "torch",
                      "quantize": card.quantize if card else None, "drop_layers": card.drop_layers if card else 0,
                      "accuracy": {lang: s["accuracy"] for lang, s in langs.items()},
                      "mean_accuracy": statistics.fmean(s["accuracy"] for s in langs.values()),
                      "size_mb": weights_size_mb(path),
                      "distillation": card.distillation if card else None}

    loaded = {name: load_saved(path) for name, path in variants.items()}
    any_saved = next(iter(loaded.values()))
    by_lang: dict[str, list[str]] = {}
    for text, lang in zip(get_task(any_saved.task).model_inputs(test, any_saved.spec)[0], test["lang"], strict=True):
        by_lang.setdefault(lang, []).append(text)
    sample = speed_sample(by_lang, speed_texts)
    tps: dict[str, list[float]] = {n: [] for n in loaded}
    lat: dict[str, list[float]] = {n: [] for n in loaded}
    for saved in loaded.values():  # warm-up (first-call allocations, ORT arena)
        throughput(saved.model, saved.tokenizer, sample[:batch_size], batch_size=batch_size)
    for r in range(rounds):
        for name, saved in loaded.items():
            tps[name].append(throughput(saved.model, saved.tokenizer, sample, batch_size=batch_size,
                                        max_length=saved.spec.resolved_max_length()))
            chunk = sample[r * latency_texts:(r + 1) * latency_texts]
            lat[name] += latencies_ms(saved.model, saved.tokenizer, chunk, max_length=saved.spec.resolved_max_length())
    for name in rows:
        rows[name]["texts_per_s"] = statistics.median(tps[name])
        rows[name]["texts_per_s_rounds"] = tps[name]
        # the ratio is paired by round (median of this round's texts/s over the base's in the same round):
        # a shared machine's speed drifts over minutes, and a round is the time span in
        # which both were measured side by side. The ratio of the two medians is kept beside it.
        rows[name]["speedup"] = statistics.median(v / b for v, b in zip(tps[name], tps[BASE_NAME], strict=True)) \
            if BASE_NAME in tps else None
        rows[name]["speedup_of_medians"] = rows[name]["texts_per_s"] / statistics.median(tps[BASE_NAME]) \
            if BASE_NAME in tps else None
        rows[name]["latency_ms_p50"] = statistics.median(lat[name])
    result = {"run": str(run.root), "machine": machine(), "test_rows": len(test), "limit_per_language": limit,
              "speed": {"texts": len(sample), "batch_size": batch_size, "rounds": rounds,
                        "latency_texts": latency_texts * rounds}, "variants": rows}
    write_json(run.root / "variants.json", result)
    write_text(run.root / "variants.md", markdown_table(result))
    return result


def markdown_table(result: dict) -> str:
    """The variant table as Markdown: one row per variant, accuracy ×100 per language."""
    rows = result["variants"]
    langs = list(next(iter(rows.values()))["accuracy"])
    base = rows.get(BASE_NAME)
    head = ["variant", "size MB", "texts/s", "× fp32", "p50 ms (1 text)", "mean acc", "Δ mean"] + langs
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, row in rows.items():
        delta = (row["mean_accuracy"] - base["mean_accuracy"]) * 100 if base else float("nan")
        cells = [name, f"{row['size_mb']:.0f}", f"{row['texts_per_s']:.1f}",
                 f"{row['speedup']:.2f}" if row["speedup"] else "-", f"{row['latency_ms_p50']:.1f}",
                 f"{row['mean_accuracy'] * 100:.1f}", f"{delta:+.1f}"]
        cells += [f"{row['accuracy'][lang] * 100:.1f}" for lang in langs]
        lines.append("| " + " | ".join(cells) + " |")
    speed = result["speed"]
    notes = [f"\nTest rows: {result['test_rows']}"
             + (f" (first {result['limit_per_language']} per language)" if result["limit_per_language"] else "")
             + f". texts/s: median of {speed['rounds']} round-robin rounds over the same {speed['texts']} "
             f"language-balanced test texts, batch {speed['batch_size']}, tokenisation included; "
             "× fp32: median over the rounds of the variant's texts/s over torch-fp32's in the same round; "
             f"p50 ms: {speed['latency_texts']} texts one at a time.\n"]
    if "machine" in result:  # int8 and bf16 ratios depend on the CPU's instruction sets
        m = result["machine"]
        notes.append(f"Machine: {m['cpu']}, {m['cores']} cores, ISA {' '.join(m['isa']) or 'no AVX2'}, "
                     f"torch {m['torch']}" + (f", GPU {m['gpu']}" if "gpu" in m else "") + ".\n")
    return "\n".join(lines) + "\n" + "\n".join(notes)
