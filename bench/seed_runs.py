"""The spread over seeds of finished run folders that separate commands trained (e.g. a single run and a later
``--seeds`` run of the same config from the next seed on), without training anything.

Each RUN is a finished run folder or a multi-seed parent (its ``seed-<n>/`` folders are taken). The configs must
agree on everything but ``training.seed`` and what only scores after training (``--allow`` adds keys, e.g. the
checkpoint-averaging settings); the script refuses to mix recipes otherwise. With ``--weights best`` a run that
scored both weights (``training.average_score_both``) contributes its best checkpoint's scores as ``xlt``, so a
run trained without averaging and one trained with it give one recipe: the best checkpoint chosen on source dev.

Prints the mean ± sd over seeds of the primary metric per language for every system, the source score, the target
mean and the gap; ``--output`` writes the spread (``seeds.json``'s schema) as JSON.

    python bench/seed_runs.py runs-qa/qa-xquad runs-qa3/qa-xquad --weights best \\
        --allow training.average_checkpoints training.average_score_both --output bench/results/qa_seeds.json
"""

from __future__ import annotations

import argparse
from pathlib import Path

from xlt.config_file import changed_keys
from xlt.evaluate.run_evaluation import MAIN_SYSTEM
from xlt.evaluate.seed_spread import seed_spread
from xlt.finetune.checkpoint_average import BEST_SYSTEM, with_both_weights
from xlt.finetune.config import TrainConfig
from xlt.finetune.seeds import read_run
from xlt.io import write_json
from xlt.run_folder import RunFolder

SCORING_ONLY = ("name", "output_dir", "training.seed", "training.seeds", "training.eval_batch_size", "evaluation")


def run_folders(paths: list[Path]) -> list[Path]:
    """Every single-seed run folder of ``paths``, a parent's seed folders in seed order."""
    folders = []
    for path in paths:
        seeds = sorted(path.glob("seed-*"), key=lambda p: int(p.name.split("-")[1]))
        folders += seeds or [path]
    for folder in folders:
        if not (folder / "metrics.json").is_file():
            raise SystemExit(f"{folder}: no metrics.json (not a finished run folder)")
    return folders


def check_same_recipe(folders: list[Path], allow: tuple[str, ...]) -> None:
    """Refuse folders whose configs differ beyond the seed and ``allow``."""
    first = TrainConfig.from_yaml(folders[0] / "config.yaml").model_dump(mode="json")
    for folder in folders[1:]:
        other = TrainConfig.from_yaml(folder / "config.yaml").model_dump(mode="json")
        differ = list(changed_keys(first, other, ignore=(*SCORING_ONLY, *allow)))
        if differ:
            raise SystemExit(f"{folder} and {folders[0]} differ in {', '.join(differ)}: not one recipe "
                             "(--allow KEY if it only changes what is scored)")


def results_of(folder: Path, weights: str) -> dict:
    run = read_run(RunFolder(folder))
    if weights == "best":
        both = with_both_weights(run.results, folder, run.run_info.averaged_used)
        if both is not None:  # averaged and scored both: its best checkpoint is the recipe's model
            return {**run.results, "systems": {**run.results["systems"], MAIN_SYSTEM: both["systems"][BEST_SYSTEM]}}
    return run.results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=Path, nargs="+", help="finished run folders or multi-seed parents")
    parser.add_argument("--weights", choices=["saved", "best"], default="saved",
                        help="saved: each run's saved model; best: the best checkpoint where a run scored both")
    parser.add_argument("--allow", nargs="*", default=[],
                        help="config keys that may differ (e.g. training.average_checkpoints)")
    parser.add_argument("--output", type=Path, help="also write the spread as JSON here")
    args = parser.parse_args()

    folders = run_folders(args.runs)
    check_same_recipe(folders, tuple(args.allow))
    results = {}
    for folder in folders:
        seed = TrainConfig.from_yaml(folder / "config.yaml").training.seed
        if seed in results:
            raise SystemExit(f"{folder}: seed {seed} twice")
        results[seed] = results_of(folder, args.weights)
    spread = seed_spread(results, [str(f) for f in folders])
    metric = spread.primary_metric
    print(f"{len(folders)} seeds ({', '.join(map(str, results))}), {metric}, weights: {args.weights}")
    languages = spread.source_languages + spread.target_languages
    print("| system | " + " | ".join(languages) + " | source | target mean | gap |")
    print("|---" * (len(languages) + 4) + "|")
    for name, s in spread.systems.items():
        cells = [f"{s.languages[lang][metric].mean:.4f} ± {s.languages[lang][metric].sd:.4f}"
                 if lang in s.languages else "" for lang in languages]
        rows = [f"{row.mean:.4f} ± {row.sd:.4f}" if row else "" for row in (s.source, s.target_mean, s.gap)]
        print(f"| {name} | " + " | ".join(cells + rows) + " |")
    if args.output:
        write_json(args.output, {"runs": [str(f) for f in folders], "weights": args.weights,
                                 "spread": spread.model_dump(mode="json")})


if __name__ == "__main__":
    main()
