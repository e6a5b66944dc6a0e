"""Figure 3 of issue 5: a tiny Marian trained from scratch on English -> Spanish, beside copy-the-source.

No pretrained MT weights are reachable offline, so a Marian model is built with random weights and a
SentencePiece vocabulary trained on the training pairs, trained by ``xlt train``'s translation task, and
scored (sacreBLEU BLEU and chrF) beside the copy-the-source baseline on held-out NTREX-128 news documents.

Data (see ``tests/finetune/tiny_marian.py::ntrex_translation_splits``): NTREX-128 split by document (last
``--test-documents`` documents = test, the ``--dev-documents`` before = dev, the rest train with all three
Spanish references) plus human-translated pairs from Tatoeba, UD PUD, XNLI dev and PAWS-X dev.

Usage (from the repo root; one CPU thread is what the slow test gets)::

    XLT_DATA=../shared/data OMP_NUM_THREADS=1 python bench/tiny_marian_ntrex.py
    python bench/tiny_marian_ntrex.py --evaluate-on dev   # choose settings on dev documents, test untouched

The defaults (Marian layout, lr 1e-3, random batch order, 4 epochs over 46k pairs: about 25 minutes on one
core) were chosen on the dev documents, where they reach BLEU 8.1 against copy-source's 2.2 (bench/RESULTS.md).
Apertium must be installed (``make apertium``) unless ``--no-apertium`` (and then ``--lexicon 0 --english 0``).

Prints the loss curve, BLEU/chrF of the model and of copy-source, the wall time, and writes
``bench/results/tiny_marian_ntrex[-dev].json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "finetune"))
from tiny_marian import EXTRA_SOURCES, build_tiny_marian, ntrex_translation_splits  # noqa: E402

from xlt.finetune.config import TrainConfig  # noqa: E402
from xlt.finetune.train import train  # noqa: E402
from xlt.io import write_json  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--epochs", type=float, default=4)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--vocab", type=int, default=2000, help="SentencePiece vocabulary shared by both sides")
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2, help="encoder and decoder layers each")
    ap.add_argument("--pre-norm", action=argparse.BooleanOptionalAction, default=False,
                    help="mBART layout (layer norm before each block); --no-pre-norm: Marian's post-norm")
    ap.add_argument("--length-grouped", action=argparse.BooleanOptionalAction, default=False,
                    help="HF's length-grouped batches (they come in runs of 50, longest to shortest; a model "
                         "from scratch then fails to learn even to copy: bench/RESULTS.md)")
    ap.add_argument("--max-length", type=int, default=64, help="tokens per sentence (inputs and labels)")
    ap.add_argument("--beams", type=int, default=1)
    ap.add_argument("--no-repeat-ngram", type=int, default=3, help="no n-gram twice in a translation (0: off)")
    ap.add_argument("--sources", default=",".join(EXTRA_SOURCES), help="extra pair sources ('' = NTREX only)")
    ap.add_argument("--references", type=int, default=3, help="NTREX Spanish references used for training")
    ap.add_argument("--apertium", action=argparse.BooleanOptionalAction, default=True,
                    help="add Apertium's translations of the training English (sequence-level distillation)")
    ap.add_argument("--lexicon", type=int, default=5000,
                    help="add the N most frequent training English words alone, with Apertium's translation")
    ap.add_argument("--english", type=int, default=20000,
                    help="add up to N UD English sentences with Apertium's translation (distillation data)")
    ap.add_argument("--copied", type=int, default=0,
                    help="add up to N training Spanish sentences paired with themselves (copied monolingual data)")
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--max-words", type=int, default=None, help="drop extra pairs with longer English sides")
    ap.add_argument("--test-documents", type=int, default=6)
    ap.add_argument("--dev-documents", type=int, default=7)
    ap.add_argument("--evaluate-on", choices=("test", "dev"), default="test",
                    help="'dev' scores the dev documents instead (to choose settings without seeing the test set)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="work folder (default: a temporary one)")
    ap.add_argument("--result", type=Path, default=None, help="JSON result (default: bench/results/...)")
    args = ap.parse_args()

    data = Path(os.environ.get("XLT_DATA", "../shared/data"))
    out = args.out or Path(tempfile.mkdtemp(prefix="tiny-marian-"))
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started, cpu = time.time(), time.process_time()
    # --evaluate-on dev: the dev documents become the scored set, as many documents before them the
    # checkpoint-selection dev set, and the test documents are left out of everything
    on_dev = args.evaluate_on == "dev"
    splits = ntrex_translation_splits(data, sources=tuple(s for s in args.sources.split(",") if s),
                                      references=args.references, max_words=args.max_words, apertium=args.apertium,
                                      lexicon=args.lexicon, ud_english=args.english, copied=args.copied,
                                      test_documents=args.dev_documents if on_dev else args.test_documents,
                                      dev_documents=args.dev_documents,
                                      exclude_documents=args.test_documents if on_dev else 0)
    for name, rows in splits.items():
        (out / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                           encoding="utf-8")
    model = build_tiny_marian(out / "model", [r[k] for r in splits["train"] for k in ("text", "label")],
                              vocab_size=args.vocab, d_model=args.d_model, layers=args.layers, seed=args.seed,
                              pre_norm=args.pre_norm, dropout=args.dropout)
    cfg = TrainConfig.validated({
        "name": "tiny-marian", "output_dir": str(out / "runs"), "task": "translation",
        "task_options": {"source_lang": "eng", "num_beams": args.beams, "max_new_tokens": args.max_length,
                         "no_repeat_ngram_size": args.no_repeat_ngram},
        "model": {"name": str(model), "max_length": args.max_length},
        "data": {s: {"format": "jsonl", "path": str(out / f"{s}.jsonl"), "languages": ["spa"]}
                 for s in ("train", "dev", "test")},
        "training": {"epochs": args.epochs, "batch_size": args.batch_size, "learning_rate": args.lr,
                     "warmup": 0.05, "early_stopping_patience": None, "length_grouped": args.length_grouped,
                     "seed": args.seed},
        "evaluation": {"bootstrap_resamples": 100}})
    run = train(cfg)
    wall, cpu = time.time() - started, time.process_time() - cpu
    curve = json.loads((run.root / "loss_curve.json").read_text())
    scores = {system: {k: round(100 * run.results["systems"][system]["languages"]["spa"][k], 2)
                       for k in ("bleu", "chrf")} for system in ("xlt", "copy-source")}
    print("train loss:", " ".join(f"{step}:{loss:.2f}" for step, loss in curve["train"]))
    print("dev loss:  ", " ".join(f"{step}:{loss:.2f}" for step, loss in curve["dev"]))
    for system, row in scores.items():
        print(f"{system:12s} BLEU {row['bleu']:6.2f}  chrF {row['chrf']:6.2f}")
    print(f"wall {wall:.0f} s, cpu {cpu:.0f} s, torch threads {os.environ.get('OMP_NUM_THREADS', 'default')}, "
          f"params {run.run_info.total_params:,}, train pairs {len(splits['train']):,}, "
          f"evaluated on {args.evaluate_on} ({len(splits['test'])} lines)")
    predictions = [json.loads(line) for line in (run.root / "predictions" / "spa.jsonl").read_text().splitlines()]
    for row in predictions[:3]:
        print(" src:", row.get("text", ""), "\n hyp:", row["prediction"], "\n ref:", row["label"])
    result = {"args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
              "scores": scores, "loss_curve": curve, "wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
              "train_seconds": run.run_info.train_seconds, "params": run.run_info.total_params,
              "train_pairs": len(splits["train"]), "dev_lines": len(splits["dev"]),
              "evaluated_on": args.evaluate_on, "evaluated_lines": len(splits["test"]),
              "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}
    name = "tiny_marian_ntrex" + ("-dev" if args.evaluate_on == "dev" else "")
    write_json(args.result or ROOT / "bench" / "results" / f"{name}.json", result)


if __name__ == "__main__":
    main()
