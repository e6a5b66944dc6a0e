"""Figure 3 of issue 5: a tiny Marian trained from scratch on English -> Spanish, beside copy-the-source.

No pretrained MT weights are reachable offline, so a Marian model is built with random weights and a
SentencePiece vocabulary trained on the training pairs, trained by ``xlt train``'s translation task, and
scored (sacreBLEU BLEU and chrF) beside the copy-the-source baseline on held-out NTREX-128 news documents.

Data (see ``ntrex_translation_splits`` below): NTREX-128 split by document (last
``--test-documents`` documents = test, the ``--dev-documents`` before = dev, the rest train with all three
Spanish references) plus human-translated pairs from Tatoeba, UD PUD, XNLI dev and PAWS-X dev.

Usage (from the repo root; the figure in bench/RESULTS.md was measured on one CPU thread)::

    XLT_DATA=../shared/data OMP_NUM_THREADS=1 python bench/tiny_marian_ntrex.py
    python bench/tiny_marian_ntrex.py --evaluate-on dev   # choose settings on dev documents, test untouched
    python bench/tiny_marian_ntrex.py --copy 12000 --epochs 3 --no-repeat-ngram 0   # the copy check (~3 min)

``--copy N``: the quick check that training lets a seq2seq model from scratch learn to read its source at
all: the same model learns to *copy* the first N Spanish training sentences (source = target) and is scored
on copying the held-out dev sentences (Spanish of the human pairs only; no Apertium needed). In random batch
order it copies unseen sentences (BLEU 75); with ``--length-grouped`` it never learns to (BLEU 0.1).

The defaults (Marian layout, lr 1e-3, random batch order, 4 epochs over 46k pairs: about 25 minutes on one
core) were chosen on the dev documents, where they reach BLEU 8.1 against copy-source's 2.2 (bench/RESULTS.md).
Apertium must be installed (``make apertium``) unless ``--no-apertium`` (and then ``--lexicon 0 --english 0``).

Prints the loss curve, BLEU/chrF of the model and of copy-source, the wall time, and writes
``bench/results/tiny_marian_ntrex[-dev].json`` (``--copy``: ``tiny_marian_copy[-grouped].json``).
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
sys.path.insert(0, str(ROOT))
from xlt.finetune.config import TrainConfig  # noqa: E402
from xlt.finetune.train import train  # noqa: E402
from xlt.io import write_json  # noqa: E402

from tests.finetune.tiny_marian import build_tiny_marian  # noqa: E402

#: NTREX-128 references of the English news lines: three independent Spanish translations.
NTREX_SPANISH = ("newstest2019-ref.spa.txt", "newstest2019-ref-2.spa.txt", "newstest2019-ref.spa-MX.txt")
#: Extra human-translated English-Spanish pairs in the shared data (all read by xlt's parallel readers).
EXTRA_SOURCES = ("tatoeba", "pud", "xnli", "pawsx")


def _ntrex(root: Path, reference: str):
    from xlt.corpus.readers.parallel import read_parallel

    folder = root / "parallel" / "ntrex128"
    return read_parallel(folder / "newstest2019-src.eng.txt", folder / reference, src_lang="eng", tgt_lang="spa",
                         ids_path=folder / "DOCUMENT_IDS.tsv")


def _extra(root: Path, name: str) -> list[tuple[str, str]]:
    """(English, Spanish) pairs of one extra source; XNLI/PAWS-X dev files are line-aligned across languages."""
    from xlt.corpus.readers.parallel import read_pud, read_tatoeba

    if name == "tatoeba":
        return list(zip(read_tatoeba("spa")["tgt"], read_tatoeba("spa")["src"], strict=True))
    if name == "pud":
        pairs = read_pud("es")
        return list(zip(pairs["tgt"], pairs["src"], strict=True))
    folder = root / name
    en = [line.split("\t") for line in (folder / "dev-en.tsv").read_text("utf-8").splitlines()]
    es = [line.split("\t") for line in (folder / "dev-es.tsv").read_text("utf-8").splitlines()]
    return [(a[k].strip(), b[k].strip()) for a, b in zip(en, es, strict=True) for k in (0, 1)]


def _ud_english(root: Path) -> list[str]:
    """The ``# text =`` sentences of every UD English treebank in the shared data, in file order, once each."""
    texts = [line[len("# text = "):].strip() for path in sorted((root / "ud_en").glob("*/*.conllu"))
             for line in path.read_text("utf-8").splitlines() if line.startswith("# text = ")]
    return list(dict.fromkeys(t for t in texts if t))


def ntrex_translation_splits(root: Path, *, sources: tuple[str, ...] = EXTRA_SOURCES, references: int = 3,
                             test_documents: int = 6, dev_documents: int = 7, exclude_documents: int = 0,
                             max_words: int | None = None, apertium: bool = False,
                             lexicon: int = 0, ud_english: int = 0, copied: int = 0) -> dict[str, list[dict]]:
    """English -> Spanish rows (``id/lang/text/label``) for training a translation model from scratch.

    NTREX-128 is split by DOCUMENT (no news story in two splits): the last ``test_documents`` documents are
    the test set (first reference only), the ``dev_documents`` before them dev, all others train, with each of
    ``references`` Spanish references as its own pair. ``sources`` adds human-translated pairs from the
    shared data; a pair whose English or Spanish side is in dev or test is dropped, repeated pairs are kept
    once. ``max_words``: drop extra pairs with longer English sides (NTREX pairs are always kept).
    ``exclude_documents``: the last documents are left out of every split (to choose settings on dev
    documents as "test" without ever touching the real test documents).
    ``apertium``: also pair every training English sentence with Apertium's rule-based Spanish translation
    (sequence-level distillation: monotone, word-for-word targets that a tiny model learns faster than the
    human ones). Only training rows get them; dev and test keep the human references.
    ``lexicon``: also the ``lexicon`` most frequent words of the training English, each alone, with
    Apertium's translation (one-word pairs: the target cannot be guessed without reading the source,
    which pushes a model from scratch to use its cross-attention early).
    ``ud_english``: up to this many English sentences of the shared UD English treebanks (``# text =``
    lines), translated by Apertium (needs ``apertium``): more distillation data, none of it news.
    ``copied``: also up to this many Spanish training sentences paired with themselves ("copied monolingual
    data", Currey et al. 2017): the model learns to read its source and to pass names and numbers through.
    """
    refs = [_ntrex(root, name) for name in NTREX_SPANISH[:references]]
    docs = list(dict.fromkeys(i.split(":")[0] for i in refs[0]["id"]))
    excluded = set(docs[len(docs) - exclude_documents:])
    docs = docs[:len(docs) - exclude_documents]
    test_docs, dev_docs = set(docs[-test_documents:]), set(docs[-test_documents - dev_documents:-test_documents])

    def rows(ds, keep, tag):
        return [{"id": f"{tag}-{i}", "lang": "spa", "text": s, "label": t}
                for i, s, t in zip(ds["id"], ds["src"], ds["tgt"], strict=True) if keep(i.split(":")[0])]

    splits = {"test": rows(refs[0], test_docs.__contains__, "ntrex"),
              "dev": rows(refs[0], dev_docs.__contains__, "ntrex")}
    held = {t for ds in refs for i, en, es in zip(ds["id"], ds["src"], ds["tgt"], strict=True)
            if i.split(":")[0] in test_docs | dev_docs | excluded for t in (en, es)}
    train = [r for k, ds in enumerate(refs)
             for r in rows(ds, lambda d: d not in test_docs | dev_docs | excluded, f"ntrex{k + 1}")]
    seen = {(r["text"], r["label"]) for r in train}
    for name in sources:
        for j, (en, es) in enumerate(_extra(root, name)):
            if (en, es) in seen or en in held or es in held or not en or not es:
                continue
            if max_words is not None and len(en.split()) > max_words:
                continue
            seen.add((en, es))
            train.append({"id": f"{name}-{j}", "lang": "spa", "text": en, "label": es})
    if apertium:
        from xlt.translate.apertium import ApertiumTranslator

        monolingual = _ud_english(root)[:ud_english] if ud_english else []
        english = list(dict.fromkeys([r["text"] for r in train] + [t for t in monolingual if t not in held]))
        translator = ApertiumTranslator("eng-spa")
        spanish = [t for i in range(0, len(english), 2000) for t in translator.translate_batch(english[i:i + 2000])]
        for j, (en, es) in enumerate(zip(english, spanish, strict=True)):
            if es and es not in held and (en, es) not in seen:
                seen.add((en, es))
                train.append({"id": f"apertium-{j}", "lang": "spa", "text": en, "label": es})
    if lexicon:
        import re
        from collections import Counter

        from xlt.translate.apertium import ApertiumTranslator

        counts = Counter(w for r in train for w in re.findall(r"[^\W\d_]{2,}", r["text"]))
        words = [w for w, _ in counts.most_common(lexicon)]
        spanish = ApertiumTranslator("eng-spa").translate_batch(words)
        for en, es in zip(words, spanish, strict=True):
            if es and (en, es) not in seen:
                seen.add((en, es))
                train.append({"id": f"lexicon-{en}", "lang": "spa", "text": en, "label": es})
    if copied:
        spanish = list(dict.fromkeys(r["label"] for r in train if not r["id"].startswith("lexicon-")))
        train += [{"id": f"copied-{j}", "lang": "spa", "text": es, "label": es}
                  for j, es in enumerate(spanish[:copied])]
    splits["train"] = train
    return splits


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
    ap.add_argument("--copy", type=int, default=0, metavar="N",
                    help="instead: learn to copy N Spanish training sentences, scored on copying the dev ones")
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
    if args.copy:  # Spanish -> the same Spanish; the dev sentences are both the dev and the scored set
        human = ntrex_translation_splits(data, test_documents=args.test_documents, dev_documents=args.dev_documents)
        spanish = list(dict.fromkeys(r["label"] for r in human["train"]))[:args.copy]
        held = [r["label"] for r in human["dev"]]
        assert not set(held) & set(spanish)
        splits = {name: [{"id": f"{name}{i}", "lang": "spa", "text": t, "label": t} for i, t in enumerate(texts)]
                  for name, texts in {"train": spanish, "dev": held, "test": held}.items()}
    else:
        splits = ntrex_translation_splits(data, sources=tuple(s for s in args.sources.split(",") if s),
                                          references=args.references, max_words=args.max_words,
                                          apertium=args.apertium, lexicon=args.lexicon, ud_english=args.english,
                                          copied=args.copied,
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
        "task_options": {"source_lang": "spa" if args.copy else "eng", "num_beams": args.beams,
                         "max_new_tokens": args.max_length, "no_repeat_ngram_size": args.no_repeat_ngram},
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
    if args.copy:
        print(f"copy check: {len(splits['train']):,} Spanish sentences copied in training, scored on copying the "
              f"{len(splits['test'])} dev sentences")
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
    if args.copy:
        name = "tiny_marian_copy" + ("-grouped" if args.length_grouped else "")
    else:
        name = "tiny_marian_ntrex" + ("-dev" if args.evaluate_on == "dev" else "")
    write_json(args.result or ROOT / "bench" / "results" / f"{name}.json", result)


if __name__ == "__main__":
    main()
