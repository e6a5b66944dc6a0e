"""Tagging (NER) training speed: xlt's defaults against a plain HF ``Trainer`` set up as ``run_ner.py``.

Same model (the built-in multilingual-e5-small folder), same data (UniversalNER English EWT dev
file as training data, as in ``examples/ner_uner.yaml``), same number of epochs, each set-up in its
own process so peak memory is its own:

- ``hf-run-ner``: what ``transformers/examples/pytorch/token-classification/run_ner.py`` does by
  default: ``AutoModelForTokenClassification``, words tokenised with ``is_split_into_words``, the
  first sub-token of each word labelled and the others -100 (``label_all_tokens=False``), truncation
  at the tokenizer's maximum length, ``DataCollatorForTokenClassification`` (dynamic padding),
  batch 8, lr 5e-5, no warmup, no weight decay.
- ``xlt``: ``xlt.train`` with ``task: tagging`` and its defaults (frozen embeddings, probe-started
  head, word windows, batch 32, length-grouped batches); baselines switched off.

Examples/s counts training sentences x epochs over the wall time of the training loop only.
Entity F1 (seqeval, strict IOB2) on the English EWT test file and German PUD, both scored the same
way: one tag per word, from the word's first sub-token.

    python bench/tagging_speed.py              # writes bench/results/tagging_speed.json
    python bench/tagging_speed.py --epochs 1   # quicker look
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from xlt.evaluate.machine import machine

SETUPS = ("hf-run-ner", "xlt")
HERE = Path(__file__).resolve().parent
TRAIN = "uner/en_ewt-ud-dev.iob2"
TESTS = {"en": "uner/en_ewt-ud-test.iob2", "de": "uner/de_pud-ud-test.iob2"}


def data_root() -> Path:
    root = os.environ.get("XLT_DATA")
    if not root:
        sys.exit("set XLT_DATA to the shared data folder (e.g. ../shared/data)")
    return Path(root)


def cpu_seconds() -> float:
    """CPU time of this process, all threads: steadier than wall time when other jobs share the CPU."""
    return time.process_time()


def run_hf(epochs: float) -> dict:
    import numpy as np
    import torch
    from datasets import Dataset
    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2
    from transformers import (
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        Trainer,
        TrainingArguments,
    )

    from xlt.corpus.readers.iob2 import read_iob2
    from xlt.model.builtin import provision

    path = provision()
    train_rows = read_iob2(data_root() / TRAIN, lang="en")
    labels = sorted({t for tags in train_rows["tags"] for t in tags})
    label2id = {lab: i for i, lab in enumerate(labels)}
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForTokenClassification.from_pretrained(
        path, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=label2id)

    def tokenize_and_align_labels(tokens, tags=None):  # run_ner.py's function, label_all_tokens=False
        enc = tokenizer(tokens, truncation=True, is_split_into_words=True)
        if tags is None:
            return enc
        all_labels = []
        for i, word_tags in enumerate(tags):
            previous, row = None, []
            for w in enc.word_ids(i):
                row.append(-100 if w is None or w == previous else label2id[word_tags[w]])
                previous = w
            all_labels.append(row)
        return {**enc, "labels": all_labels}

    train = Dataset.from_dict(dict(tokenize_and_align_labels([list(t) for t in train_rows["tokens"]],
                                                             [list(t) for t in train_rows["tags"]])))
    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(), num_train_epochs=epochs, per_device_train_batch_size=8,
        learning_rate=5e-5, save_strategy="no", eval_strategy="no", report_to="none", logging_strategy="no",
        seed=42, disable_tqdm=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train,
                      data_collator=DataCollatorForTokenClassification(tokenizer))
    start, cpu_start = time.perf_counter(), cpu_seconds()
    trainer.train()
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    model.eval()

    @torch.inference_mode()
    def predict(tokens: list[list[str]]) -> list[list[str]]:
        out = []
        for i in range(0, len(tokens), 32):
            chunk = tokens[i:i + 32]
            enc = tokenizer(chunk, truncation=True, is_split_into_words=True, padding=True, return_tensors="pt")
            best = np.asarray(model(**enc).logits.argmax(-1))
            for row, words in enumerate(chunk):
                tags = ["O"] * len(words)  # words lost to truncation stay "O", as run_ner.py leaves them
                seen = set()
                for t, w in enumerate(enc.word_ids(row)):
                    if w is not None and w not in seen:
                        seen.add(w)
                        tags[w] = labels[best[row, t]]
                out.append(tags)
        return out

    f1 = {}
    for lang, rel in TESTS.items():
        test = read_iob2(data_root() / rel, lang=lang)
        f1[lang] = f1_score([list(t) for t in test["tags"]], predict([list(t) for t in test["tokens"]]),
                            mode="strict", scheme=IOB2)
    return {"train_seconds": seconds, "train_cpu_seconds": cpu, "examples": len(train) * epochs, "entity_f1": f1}


def run_xlt(epochs: float) -> dict:
    from xlt.finetune.config import TrainConfig
    from xlt.finetune.train import train

    root = data_root()
    config = TrainConfig.validated({
        "name": "bench-tagging", "task": "tagging", "output_dir": tempfile.mkdtemp(),
        "data": {"train": {"format": "iob2", "path": str(root / TRAIN), "languages": ["en"]},
                 "test": [{"format": "iob2", "path": str(root / rel), "languages": [lang]}
                          for lang, rel in TESTS.items()],
                 "source_languages": ["en"]},
        "training": {"epochs": epochs, "early_stopping_patience": None},
        "evaluation": {"baselines": [], "bootstrap_resamples": 10},
    })
    run = train(config)
    info = run.run_info
    langs = run.results["systems"]["xlt"]["languages"]
    return {"train_seconds": info["train_seconds"], "train_cpu_seconds": info["train_cpu_seconds"],
            "examples": info["train_examples_per_second"] * info["train_seconds"],
            "entity_f1": {lang: v["entity_f1"] for lang, v in langs.items()}}


def child(setup: str, epochs: float) -> None:
    result = run_xlt(epochs) if setup == "xlt" else run_hf(epochs)
    result["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print("RESULT " + json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--setups", nargs="+", default=list(SETUPS), choices=SETUPS)
    parser.add_argument("--child", choices=SETUPS, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "tagging_speed.json")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.epochs)

    data_root()
    results = {}
    for setup in args.setups:
        print(f"== {setup}", flush=True)
        proc = subprocess.run([sys.executable, __file__, "--child", setup, "--epochs", str(args.epochs)],
                              capture_output=True, text=True, env={**os.environ, "TRANSFORMERS_VERBOSITY": "error"})
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
        if proc.returncode or line is None:
            sys.exit(f"{setup} failed:\n{proc.stderr[-3000:]}")
        r = json.loads(line[7:])
        r["examples_per_second"] = r["examples"] / r["train_seconds"]
        r["examples_per_cpu_second"] = r["examples"] / r["train_cpu_seconds"]
        results[setup] = r
        scores = ", ".join(f"{lang} F1 {v:.3f}" for lang, v in r["entity_f1"].items())
        print(f"   {r['examples_per_second']:.1f} sentences/s ({r['examples_per_cpu_second']:.1f} per CPU-second), "
              f"{r['train_seconds']:.0f} s, "
              f"peak RSS {r['peak_rss_gb']:.2f} GB, {scores}", flush=True)
    if {"xlt", "hf-run-ner"} <= set(results):
        ratio = results["xlt"]["examples_per_second"] / results["hf-run-ner"]["examples_per_second"]
        cpu_ratio = results["xlt"]["examples_per_cpu_second"] / results["hf-run-ner"]["examples_per_cpu_second"]
        results["xlt"]["speedup_vs_hf-run-ner"] = ratio
        results["xlt"]["cpu_speedup_vs_hf-run-ner"] = cpu_ratio
        print(f"xlt / hf-run-ner: {ratio:.2f}x sentences/s, {cpu_ratio:.2f}x sentences per CPU-second")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"epochs": args.epochs, "machine": machine(), "results": results}, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
