"""Checkpoint averaging against the best checkpoint, over the seeds of finished runs, without training anything.

Each RUN is a multi-seed parent (its ``seed-<n>/`` folders are taken) or a single-seed run folder; together they
must hold 2 or more seeds of one recipe (as ``bench/seed_runs.py`` checks). Every seed must have been trained with
``training.average_checkpoints: K`` and ``training.average_score_both: true``: its folder then holds both weights'
test scores, the saved model's in ``metrics.json`` and the other's in ``not-kept/metrics.json``.
This script pairs them by what each one is (the run_info's ``averaged_used``), and prints the mean ± sd over seeds
of the primary metric per language, the source score and the target mean for both, the per-seed difference, and
how often the source-dev comparison kept the average.

    python bench/checkpoint_average.py runs/ner-uner --output bench/results/checkpoint_average_ner.json
    python bench/checkpoint_average.py runs-qa0avg/qa-xquad runs-qa3/qa-xquad  # seed 0 alone, then seeds 1 and 2
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from seed_runs import check_same_recipe, run_folders  # bench/ is the script's folder: its sibling script

from xlt.evaluate.seed_spread import seed_spread
from xlt.finetune.checkpoint_average import AVERAGED_SYSTEM, BEST_SYSTEM, NOT_KEPT, with_both_weights
from xlt.io import write_json
from xlt.run_folder import RunInfo

SYSTEMS = {"best checkpoint": BEST_SYSTEM, "average": AVERAGED_SYSTEM}


def paired(folder: Path) -> tuple[dict, RunInfo]:
    """One seed's scores with the best checkpoint and the average as two systems."""
    info = RunInfo.read(folder / "run_info.json")
    both = with_both_weights(json.loads((folder / "metrics.json").read_text()), folder, info.averaged_used)
    if both is None:
        raise SystemExit(f"{folder / NOT_KEPT / 'metrics.json'} is missing: train with "
                         "training.average_checkpoints >= 2 and training.average_score_both: true")
    both["systems"] = {name: both["systems"][system] for name, system in SYSTEMS.items()}
    return both, info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=Path, nargs="+", help="finished run folders: multi-seed parents or single seeds")
    parser.add_argument("--output", type=Path, help="also write the comparison as JSON here")
    args = parser.parse_args()

    folders = run_folders(args.runs)
    if len(folders) < 2:
        raise SystemExit(f"{len(folders)} seed folder(s); a spread needs 2 or more")
    check_same_recipe(folders, ())
    pairs = [paired(folder) for folder in folders]
    spread = seed_spread({i: result for i, (result, _) in enumerate(pairs)}, [str(f) for f in folders])
    infos = [info for _, info in pairs]
    metric = spread.primary_metric
    print(f"{' '.join(map(str, args.runs))}: {len(folders)} seed(s), {metric}; K = {infos[0].averaged_checkpoints} "
          f"({infos[0].average_select}); the average kept by source dev in "
          f"{sum(bool(i.averaged_used) for i in infos)} of {len(infos)}")
    print("| weights | " + " | ".join(spread.source_languages + spread.target_languages)
          + " | source | target mean |")
    print("|---" * (len(spread.source_languages) + len(spread.target_languages) + 3) + "|")
    for system in SYSTEMS:
        s = spread.systems[system]
        cells = [f"{s.languages[lang][metric].mean:.4f} ± {s.languages[lang][metric].sd:.4f}"
                 for lang in spread.source_languages + spread.target_languages]
        print(f"| {system} | " + " | ".join(cells)
              + f" | {s.source.mean:.4f} ± {s.source.sd:.4f} | {s.target_mean.mean:.4f} ± {s.target_mean.sd:.4f} |")
    difference = [a - b for a, b in zip(spread.systems["average"].target_mean.values,
                                        spread.systems["best checkpoint"].target_mean.values, strict=True)]
    print("target mean, average - best, per seed: " + ", ".join(f"{d:+.4f}" for d in difference))
    if args.output:
        write_json(args.output, {"runs": [str(r) for r in args.runs],
                                 "average_kept_by_dev": [bool(i.averaged_used) for i in infos],
                                 "averaged_epochs": [i.averaged_epochs for i in infos],
                                 "epochs_run": [i.epochs_run for i in infos],
                                 "target_mean_difference": difference, "spread": spread.model_dump(mode="json")})


if __name__ == "__main__":
    main()
