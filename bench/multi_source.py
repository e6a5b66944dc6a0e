"""Multi-source against single-source training, on the test languages that neither run trained on.

Reads two or more finished multi-seed runs (``seeds.json``) of the same data that differ in
``data.source_languages``, and prints, per system, the mean ± sd over seeds of the primary metric on every test
language that is a target in all of them, and of their mean: adding a source language is judged only on
languages no run saw in training.

    xlt train examples/emoji_groups.yaml --seeds 3
    xlt train examples/emoji_groups.yaml --seeds 3 --set name=emoji-groups-en-es-ja \
        --set "data.source_languages=[en, es, ja]"
    python bench/multi_source.py runs/emoji-groups runs/emoji-groups-en-es-ja
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from xlt.evaluate.seed_spread import SeedSpread
from xlt.io import write_json


def shared_targets(runs: list[SeedSpread]) -> list[str]:
    """The target languages of the first run that are targets of every run (none of them trained on it)."""
    return [lang for lang in runs[0].target_languages if all(lang in run.target_languages for run in runs)]


def per_seed_mean(run: SeedSpread, system: str, languages: list[str]) -> list[float]:
    """Each seed's mean primary score over ``languages``."""
    rows = [run.primary(system, lang).values for lang in languages]
    return [float(v) for v in np.mean(np.asarray(rows), axis=0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=Path, nargs="+", help="finished multi-seed run folders (with seeds.json)")
    parser.add_argument("--output", type=Path, help="also write the comparison as JSON here")
    args = parser.parse_args()
    if len(args.runs) < 2:
        raise SystemExit("give two or more runs to compare")

    runs = [SeedSpread.model_validate(json.loads((run / "seeds.json").read_text())) for run in args.runs]
    languages = shared_targets(runs)
    if not languages:
        raise SystemExit("no test language is a target of every run")
    metric = runs[0].primary_metric
    print(f"{metric} ×100 on the {len(languages)} test languages none of the runs trained on: {', '.join(languages)}")
    print("| run | sources | system | " + " | ".join(languages) + " | mean |")
    print("|---" * (len(languages) + 4) + "|")
    out = []
    for path, run in zip(args.runs, runs, strict=True):
        for system in run.systems:
            cells = [run.primary(system, lang) for lang in languages]
            means = per_seed_mean(run, system, languages)
            sd = float(np.std(means, ddof=1))
            print(f"| {path.name} | {'+'.join(run.source_languages)} | {system} | "
                  + " | ".join(f"{100 * c.mean:.1f} ± {100 * c.sd:.1f}" for c in cells)
                  + f" | **{100 * np.mean(means):.1f} ± {100 * sd:.1f}** |")
            out.append({"run": str(path), "sources": run.source_languages, "system": system, "seeds": run.seeds,
                        "languages": {lang: c.values for lang, c in zip(languages, cells, strict=True)},
                        "mean_per_seed": means})
    if args.output:
        write_json(args.output, {"metric": metric, "languages": languages, "runs": out})


if __name__ == "__main__":
    main()
