"""The effect of a pretraining run on bitext retrieval: the start model against the pretrained folder.

Retrieval (``xlt.evaluate.retrieval.evaluate_retrieval``: cosine and ratio margin, both directions, the
model's prefix) on pairs the alignment run TRAINED on (NTREX-128 deu/spa, PUD de/es) and on pairs it did
NOT train on (Tatoeba: deu/spa = trained languages, other sentences; fra/rus/cmn/ara = languages the run
never saw in its parallel data). ``--limit`` keeps the first N pairs per language (a candidate pool of N).

    python bench/pretrain_effect.py runs/pretrain-align/model --limit 300
    python bench/pretrain_effect.py runs/pretrain-align/model --limit 150 --quick   # the note's trimmed run
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from xlt.corpus.readers.parallel import ParallelSpec
from xlt.evaluate.retrieval import evaluate_retrieval

HERE = Path(__file__).resolve().parent
SETS = {  # name -> (parallel preset, languages, trained on by examples/pretrain_align.yaml)
    "ntrex": ("ntrex", ["deu", "spa"], True),
    "pud": ("pud", ["de", "es"], True),
    "tatoeba": ("tatoeba", ["deu", "spa", "fra", "rus", "cmn", "ara"], False),
}
QUICK = {  # --quick: what the shared 2-core machine allowed for the note
    "ntrex": ("ntrex", ["deu", "spa"], True),
    "tatoeba": ("tatoeba", ["deu", "fra", "ara"], False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="the pretrained model folder")
    parser.add_argument("--base", default="builtin:multilingual-e5-small")
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="ntrex deu/spa and tatoeba deu/fra/ara only")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "pretrain_align_retrieval.json")
    args = parser.parse_args()
    out: dict = {"limit": args.limit, "models": {"before": args.base, "after": args.model}, "sets": {}}
    for name, (preset, languages, trained) in (QUICK if args.quick else SETS).items():
        spec = ParallelSpec.parse(preset, languages=languages, limit=args.limit)
        row: dict = {"trained_on": trained}
        for when, model in (("before", args.base), ("after", args.model)):
            started = time.perf_counter()
            result = evaluate_retrieval(model, spec)
            row[when] = {lang: {d: {m: round(v, 4) for m, v in r[d].items()} for d in ("src->tgt", "tgt->src")}
                         for lang, r in result["pairs"].items()}
            row[f"{when}_mean"] = {d: {m: round(v, 4) for m, v in by.items()} for d, by in result["mean"].items()}
            row["prefix"] = result["prefix"]
            print(f"{name} {when}: {row[f'{when}_mean']} ({time.perf_counter() - started:.0f} s)", flush=True)
        out["sets"][name] = row
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
