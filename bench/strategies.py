"""Transfer strategies side by side: trainable parameters, source score, target mean, gap, training time.

For each data set (emoji-groups, SIB-200) and each strategy (full, freeze, top, lora, adapter, madx,
prompt) one ``xlt.train`` run with the example config, trimmed to ``--epochs`` and without baselines.
The test languages are ones that have unlabelled text here for a MAD-X language adapter (NTREX-128
news), the same for every strategy: trimmed to German and Chinese (English is the source) because the
CPU was shared with five other jobs. The language adapters
are trained first (MLM, ``--adapter-steps`` steps of 16 sentences of at most 64 tokens) and shared by both data sets.

Each strategy gets the learning rate usual for it (not tuned here): 5e-5 for full/freeze/top (xlt's
default), 5e-4 for LoRA, 1e-3 for bottleneck adapters and MAD-X, 1e-2 for prompt tuning.

    python bench/strategies.py                                 # both data sets, every strategy
    python bench/strategies.py --datasets emoji --strategies freeze,adapter --epochs-emoji 1

Writes ``bench/results/strategies.json`` after every run (a partial run keeps what it measured) and
prints the Markdown table.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STRATEGIES = ("full", "freeze", "top", "lora", "adapter", "madx", "prompt")
LEARNING_RATES = {"full": 5e-5, "freeze": 5e-5, "top": 5e-5, "lora": 5e-4, "adapter": 1e-3, "madx": 1e-3,
                  "prompt": 1e-2}
# NTREX-128 file -> language code in each data set
NTREX = {"eng": "newstest2019-src.eng.txt", "deu": "newstest2019-ref.deu.txt", "spa": "newstest2019-ref.spa.txt",
         "fra": "newstest2019-ref.fra.txt", "zho": "newstest2019-ref.zho-CN.txt"}
# trimmed for a shared 2-core machine: English, German and Chinese (one close, one distant target)
CODES = {"emoji": {"eng": "en", "deu": "de", "spa": "es", "fra": "fr", "zho": "zh"},
         "sib200": {"eng": "eng_Latn", "deu": "deu_Latn", "spa": "spa_Latn", "fra": "fra_Latn", "zho": "zho_Hans"}}
CONFIGS = {"emoji": "examples/emoji_groups.yaml", "sib200": "examples/sib200.yaml"}


def data_root() -> Path:
    return Path(os.environ.get("XLT_DATA") or ROOT.parent / "shared" / "data")


LANGUAGES = ("eng", "deu", "zho")


def ntrex_texts(lang: str) -> list[str]:
    path = data_root() / "parallel" / "ntrex128" / NTREX[lang]
    return [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]


def language_adapters(out: Path, steps: int) -> dict[str, dict]:
    from xlt.pretrain.language_adapter import train_language_adapter

    cards = {}
    for lang in LANGUAGES:
        folder = out / lang
        if not (folder / "adapter.json").is_file():
            train_language_adapter("builtin:multilingual-e5-small", ntrex_texts(lang), lang, folder,
                                   max_steps=steps, batch_size=16, learning_rate=1e-4, max_length=64,
                                   source=f"NTREX-128 {NTREX[lang]}")
        cards[lang] = json.loads((folder / "adapter.json").read_text())
    return cards


def run_one(dataset: str, strategy: str, epochs: float, adapters: Path, runs: Path, emoji_items: int | None = None
            ) -> dict:
    from xlt.finetune.config import TrainConfig
    from xlt.finetune.train import train

    codes = CODES[dataset]
    source = codes["eng"]
    targets = [codes[k] for k in LANGUAGES if k != "eng"]
    spec: dict = {"name": strategy}
    if strategy == "madx":
        spec = {"name": "madx", "source_language": source,
                "language_adapters": {codes[k]: str(adapters / k) for k in LANGUAGES}}
    overrides = [f"name={dataset}-{strategy}", f"output_dir={runs}", f"training.epochs={epochs}",
                 f"training.learning_rate={LEARNING_RATES[strategy]}", "evaluation.baselines=[]",
                 "evaluation.bootstrap_resamples=200", f"data.target_languages=[{','.join(targets)}]"]
    config = TrainConfig.from_yaml(ROOT / CONFIGS[dataset], overrides)
    if dataset == "emoji" and emoji_items:  # the first N items, then split 70/10/20 as usual
        config.data.pool = config.data.pool.model_copy(update={"limit": emoji_items})
    config = config.model_copy(update={"strategy": spec})
    started = time.perf_counter()
    run = train(config, overwrite=True)
    scores = run.results["systems"]["xlt"]["languages"]
    metric = run.results["primary_metric"]
    target_mean = sum(scores[t][metric] for t in targets) / len(targets)
    info = run.run_info
    return {
        "dataset": dataset, "strategy": strategy, "learning_rate": LEARNING_RATES[strategy], "epochs": epochs,
        "trainable_params": info["trainable_params"], "total_params": info["total_params"],
        "source": scores[source][metric], "target_mean": target_mean, "gap": scores[source][metric] - target_mean,
        "targets": {t: scores[t][metric] for t in targets}, "train_seconds": info["train_seconds"],
        "epochs_run": info["epochs_run"], "data": info["data"], "wall_seconds": round(time.perf_counter() - started, 1),
        "saved_model_bytes": sum(p.stat().st_size for p in (run.root / "model").rglob("*") if p.is_file()),
    }


def table(results: list[dict]) -> str:
    lines = ["| data | strategy | lr | trainable params | source | target mean | gap | train s | saved MB |",
             "|---|---|---|---|---|---|---|---|---|"]
    order = {(d, s): i for i, (d, s) in enumerate((d, s) for d in CODES for s in STRATEGIES)}
    for r in sorted(results, key=lambda r: order.get((r["dataset"], r["strategy"]), 99)):
        lines.append(f"| {r['dataset']} | {r['strategy']} | {r['learning_rate']:g} | {r['trainable_params']:,} "
                     f"({100 * r['trainable_params'] / r['total_params']:.2f}%) | {r['source']:.3f} | "
                     f"{r['target_mean']:.3f} | {r['gap']:.3f} | {r['train_seconds']:.0f} | "
                     f"{r['saved_model_bytes'] / 1e6:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="emoji,sib200")
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--epochs-emoji", type=float, default=2)
    parser.add_argument("--epochs-sib200", type=float, default=1)
    parser.add_argument("--adapter-steps", type=int, default=20)
    parser.add_argument("--emoji-items", type=int, default=None, help="keep the first N emoji items (trim)")
    parser.add_argument("--runs", default=str(ROOT / "runs" / "bench-strategies"))
    parser.add_argument("--out", default=str(HERE / "results" / "strategies.json"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    os.environ.setdefault("XLT_DATA", str(data_root()))
    runs = Path(args.runs)
    out = Path(args.out)
    strategies = args.strategies.split(",")
    started = time.perf_counter()
    cards: dict = {}
    adapter_seconds = 0.0
    done = json.loads(out.read_text())["runs"] if out.is_file() else []
    for dataset in args.datasets.split(","):
        for strategy in strategies:
            if strategy == "madx" and not cards:  # trained when first needed: a partial run keeps the rest
                started = time.perf_counter()
                cards = language_adapters(runs / "lang-adapters", args.adapter_steps)
                adapter_seconds = round(time.perf_counter() - started, 1)
            epochs = getattr(args, f"epochs_{dataset}")
            result = run_one(dataset, strategy, epochs, runs / "lang-adapters", runs, args.emoji_items)
            done = [r for r in done if (r["dataset"], r["strategy"]) != (dataset, strategy)] + [result]
            from xlt.io import write_json

            write_json(out, {"command": "python bench/strategies.py", "language_adapters": cards,
                             "language_adapter_seconds": adapter_seconds, "runs": done})
            print(table(done), flush=True)


if __name__ == "__main__":
    main()
