"""`full` against `freeze` over seeds, and how far `full` moves the embedding layer.

For one example config, ``xlt.train`` with ``training.seeds=N`` once per strategy (``full``, then ``freeze``: the
same split, seeds, budget, learning rate and baselines: the ``freeze`` runs are the example's own recipe). Then,
per seed:

- **Embedding movement** of the ``full`` model against the pretrained encoder: the relative change
  ``||w - w0|| / ||w0||`` of the word-embedding rows of pieces that occur in the training texts and of those that
  do not, of the position embeddings and of the embedding LayerNorm, beside the transformer blocks' (the first,
  the last and their mean). A row that never occurs gets no gradient from the loss; AdamW's decoupled weight
  decay still shrinks it when ``weight_decay`` > 0.
- **Prediction agreement** of the two models on every test row: the share of identical labels, and on the
  first ``--logit-rows`` test rows the largest difference of a class probability (0.0 exactly would mean the
  embedding layer's training changed nothing).

    python bench/full_vs_freeze.py --config examples/emoji_groups.yaml --out bench/results/full_vs_freeze_emoji.json
    python bench/full_vs_freeze.py --config examples/sib200.yaml --out bench/results/full_vs_freeze_sib200.json

Runs go to ``--runs`` (default ``runs/full-vs-freeze/<config name>-<strategy>``); an existing finished multi-seed
run there is read back, so the measurement can be re-done without training. Writes the JSON and prints
Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STRATEGIES = ("full", "freeze")


def train_strategy(config_path: Path, strategy: str, seeds: int, runs: Path, extra: list[str]) -> Path:
    from xlt.finetune.config import TrainConfig
    from xlt.finetune.seeds import is_finished, seed_folder_name
    from xlt.finetune.train import train
    from xlt.run_folder import RunFolder

    config = TrainConfig.from_yaml(config_path, [
        f"name={config_path.stem}-{strategy}", f"output_dir={runs}", f"strategy={{name: {strategy}}}",
        f"training.seeds={seeds}", *extra])
    parent = config.run_dir
    seed_dirs = [RunFolder(parent / seed_folder_name(s)) for s in range(config.training.seed,
                                                                        config.training.seed + seeds)]
    if (parent / "seeds.json").is_file() and all(is_finished(r) for r in seed_dirs):
        logging.info("%s: finished, read back", parent)
        return parent
    started = time.perf_counter()
    train(config, resume=(parent / "config.yaml").is_file())
    logging.info("%s: %.0f s", parent, time.perf_counter() - started)
    return parent


def relative_change(new, old) -> float:
    return float((new - old).norm() / old.norm())


def pretrained_reference(config_path: Path, extra: list[str]):
    """The pretrained encoder's weights, and which vocabulary rows the training texts use (once per config)."""
    import torch

    from xlt.finetune.config import TrainConfig
    from xlt.model.loader import load_encoder, load_tokenizer

    config = TrainConfig.from_yaml(config_path, extra)
    pretrained = {k: v.float() for k, v in load_encoder(config.model).state_dict().items()}
    tokenizer = load_tokenizer(config.model)
    texts = [config.model.resolved_prefix() + t for t in config.data.load()["train"]["text"]]
    seen = torch.zeros(pretrained["embeddings.word_embeddings.weight"].shape[0], dtype=torch.bool)
    for ids in tokenizer(texts, truncation=True, max_length=config.model.resolved_max_length())["input_ids"]:
        seen[ids] = True
    return pretrained, seen


def embedding_movement(full_model: Path, pretrained: dict, seen) -> dict:
    """Relative change of the ``full`` run's embedding layer and blocks against the pretrained encoder."""
    from safetensors.torch import load_file

    trained = {k.removeprefix("encoder."): v.float() for k, v in load_file(full_model / "model.safetensors").items()
               if k.startswith("encoder.")}
    missing = sorted(set(pretrained) - set(trained))
    if missing:
        raise SystemExit(f"{full_model}: encoder weights missing from the saved model: {missing[:5]}")

    word0, word = pretrained["embeddings.word_embeddings.weight"], trained["embeddings.word_embeddings.weight"]
    row_change = (word - word0).norm(dim=1) / word0.norm(dim=1).clamp(min=1e-12)
    blocks = sorted({k.split(".")[2] for k in pretrained if k.startswith("encoder.layer.")}, key=int)

    def block_change(i: str) -> float:
        keys = [k for k in pretrained if k.startswith(f"encoder.layer.{i}.") and k.endswith("weight")]
        return float(np.mean([relative_change(trained[k], pretrained[k]) for k in keys]))

    per_block = [block_change(i) for i in blocks]
    return {
        "rows_seen": int(seen.sum()), "rows_unseen": int((~seen).sum()),
        "word_rows_seen_median": float(row_change[seen].median()),
        "word_rows_seen_max": float(row_change[seen].max()),
        "word_rows_unseen_median": float(row_change[~seen].median()),
        "word_rows_unseen_changed": int((row_change[~seen] > 0).sum()),
        "word_rows_seen_changed": int((row_change[seen] > 0).sum()),
        "word_matrix": relative_change(word, word0),
        "position": relative_change(trained["embeddings.position_embeddings.weight"],
                                    pretrained["embeddings.position_embeddings.weight"]),
        "layer_norm": relative_change(trained["embeddings.LayerNorm.weight"],
                                      pretrained["embeddings.LayerNorm.weight"]),
        "block_first": per_block[0], "block_last": per_block[-1], "block_mean": float(np.mean(per_block)),
    }


def agreement(full_run: Path, freeze_run: Path, logit_rows: int) -> dict:
    """Identical labels over every test row; the largest probability difference on the first ``logit_rows``."""
    import xlt

    same = total = 0
    texts: list[str] = []
    for path in sorted((full_run / "predictions").glob("*.jsonl")):
        full = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        freeze = [json.loads(line) for line in (freeze_run / "predictions" / path.name).read_text("utf-8").splitlines()]
        same += sum(a["prediction"] == b["prediction"] for a, b in zip(full, freeze, strict=True))
        total += len(full)
        texts += [row["text"] for row in full]
    texts = texts[:: max(1, len(texts) // logit_rows)][:logit_rows]  # spread over the languages
    scores = [[p.scores for p in xlt.load(run / "model").predict(texts)] for run in (full_run, freeze_run)]
    diff = max(abs(a[label] - b[label]) for a, b in zip(*scores, strict=True) for label in a)
    return {"test_rows": total, "same_label_share": same / total, "max_probability_difference": float(diff),
            "logit_rows": len(texts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=ROOT / "examples/emoji_groups.yaml")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--runs", type=Path, default=ROOT / "runs/full-vs-freeze")
    parser.add_argument("--logit-rows", type=int, default=512)
    parser.add_argument("--set", dest="extra", action="append", default=[], help="config override (repeatable)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    from xlt.evaluate.machine import cpu_line
    from xlt.finetune.seeds import read_spread, seed_folder_name

    parents = {s: train_strategy(args.config, s, args.seeds, args.runs, args.extra) for s in STRATEGIES}
    spreads = {s: read_spread(p) for s, p in parents.items()}
    seeds = spreads["full"].seeds
    per_seed = {}
    pretrained, seen = pretrained_reference(args.config, args.extra)
    for seed in seeds:
        full_run, freeze_run = (parents[s] / seed_folder_name(seed) for s in STRATEGIES)
        per_seed[seed] = {"movement": embedding_movement(full_run / "model", pretrained, seen),
                          "agreement": agreement(full_run, freeze_run, args.logit_rows)}
    result = {
        "config": str(args.config), "overrides": args.extra, "seeds": seeds, "cpu": cpu_line(),
        "systems": {s: {"source": spreads[s].systems["xlt"].source.model_dump(),
                        "target_mean": spreads[s].systems["xlt"].target_mean.model_dump(),
                        "languages": {lang: spreads[s].primary("xlt", lang).model_dump(include={"mean", "sd"})
                                      for lang in spreads[s].target_languages}}
                    for s in STRATEGIES},
        "per_seed": per_seed,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")

    print("| strategy | source | target mean | seeds |\n|---|---:|---:|---|")
    for s in STRATEGIES:
        src, tgt = spreads[s].systems["xlt"].source, spreads[s].systems["xlt"].target_mean
        print(f"| {s} | {100 * src.mean:.1f} ± {100 * src.sd:.1f} | {100 * tgt.mean:.1f} ± {100 * tgt.sd:.1f} | "
              + ", ".join(f"{100 * v:.1f}" for v in tgt.values) + " |")
    print("\n| seed | seen rows: median / max change | unseen rows changed | position | LayerNorm | "
          "blocks first / last / mean | same labels | max prob. diff |\n|---|---|---:|---:|---:|---|---:|---:|")
    for seed, r in per_seed.items():
        m, a = r["movement"], r["agreement"]
        print(f"| {seed} | {m['word_rows_seen_median']:.2e} / {m['word_rows_seen_max']:.2e} "
              f"({m['word_rows_seen_changed']:,} of {m['rows_seen']:,}) | {m['word_rows_unseen_changed']:,} of "
              f"{m['rows_unseen']:,} | {m['position']:.2e} | {m['layer_norm']:.2e} | {m['block_first']:.2e} / "
              f"{m['block_last']:.2e} / {m['block_mean']:.2e} | {100 * a['same_label_share']:.1f}% | "
              f"{a['max_probability_difference']:.3f} |")


if __name__ == "__main__":
    main()
