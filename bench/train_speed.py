"""Fine-tuning speed: xlt's default recipe against a plain Hugging Face ``Trainer``, one run.

Three set-ups, same model (the built-in multilingual-e5-small folder), same English emoji-groups
training split, same number of epochs, each in its own process so peak memory is its own:

- ``hf-padded``: what ``transformers/examples/pytorch/text-classification/run_xnli.py`` does by
  default: ``AutoModelForSequenceClassification``, inputs padded to 128, lr 2e-5, 3 epochs.
- ``hf-dynamic``: the same with dynamic padding (``DataCollatorWithPadding``), lr 5e-5, 10% warmup.
- ``xlt``: ``xlt.train`` with its defaults (mean-pooling head started from a probe, frozen
  embeddings, length-grouped batches), evaluation and baselines switched off.

Examples/s counts training examples x epochs over the wall time of the training loop only.
Accuracy is on the English test split and the mean over the 13 other languages.

    python bench/train_speed.py            # all three, writes bench/results/train_speed.json
    python bench/train_speed.py --epochs 1 # quicker look
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

SETUPS = ("hf-padded", "hf-dynamic", "xlt")
HERE = Path(__file__).resolve().parent


def load_split():
    from xlt.corpus.config import DataConfig

    return DataConfig.model_validate({"pool": {"format": "builtin:emoji-groups"},
                                      "source_languages": ["en"]}).load()


def accuracy_by_language(predict, test) -> dict[str, float]:
    out = {}
    for lang in dict.fromkeys(test["lang"]):
        ds = test.filter(lambda x, lang=lang: x == lang, input_columns="lang")
        pred = predict(ds)
        out[lang] = sum(p == g for p, g in zip(pred, ds["label"], strict=True)) / len(ds)
    return out


def run_hf(setup: str, epochs: float) -> dict:
    import numpy as np
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
        default_data_collator,
    )

    from xlt.model.builtin import provision

    path = provision()
    data = load_split()
    labels = sorted(set(data["train"]["label"]))
    label2id = {lab: i for i, lab in enumerate(labels)}
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=label2id)
    padded = setup == "hf-padded"

    def encode(ds):
        enc = tokenizer(["query: " + t for t in ds["text"]], truncation=True, max_length=128,
                        padding="max_length" if padded else False)
        return {**enc, "labels": [label2id[y] for y in ds["label"]]}

    from datasets import Dataset

    train = Dataset.from_dict(encode(data["train"]))
    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(), num_train_epochs=epochs, per_device_train_batch_size=32,
        learning_rate=2e-5 if padded else 5e-5, warmup_steps=0.0 if padded else 0.1,
        save_strategy="no", eval_strategy="no", report_to="none", logging_strategy="no", seed=0,
        disable_tqdm=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train,
                      data_collator=default_data_collator if padded else DataCollatorWithPadding(tokenizer))
    start = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - start
    model.eval()

    @torch.inference_mode()
    def predict(ds):
        preds = []
        for i in range(0, len(ds), 64):
            enc = tokenizer(["query: " + t for t in ds["text"][i:i + 64]], truncation=True, max_length=128,
                            padding=True, return_tensors="pt")
            preds += [labels[j] for j in np.asarray(model(**enc).logits.argmax(-1))]
        return preds

    return {"train_seconds": seconds, "examples": len(train) * epochs,
            "accuracy": accuracy_by_language(predict, data["test"])}


def run_xlt(epochs: float) -> dict:
    from xlt.finetune.config import TrainConfig
    from xlt.finetune.train import train

    out = tempfile.mkdtemp()
    config = TrainConfig.validated({
        "name": "bench", "output_dir": out,
        "data": {"pool": {"format": "builtin:emoji-groups"}, "source_languages": ["en"]},
        "training": {"epochs": epochs, "early_stopping_patience": None},
        "evaluation": {"baselines": [], "bootstrap_resamples": 10},
    })
    run = train(config)
    langs = run.results["systems"]["xlt"]["languages"]
    info = run.run_info
    examples = info["train_examples_per_second"] * info["train_seconds"]
    return {"train_seconds": info["train_seconds"], "examples": examples,
            "accuracy": {lang: v["accuracy"] for lang, v in langs.items()}}


def child(setup: str, epochs: float) -> None:
    result = run_xlt(epochs) if setup == "xlt" else run_hf(setup, epochs)
    result["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print("RESULT " + json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--setups", nargs="+", default=list(SETUPS), choices=SETUPS)
    parser.add_argument("--child", choices=SETUPS, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "train_speed.json")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.epochs)

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
        acc = r["accuracy"]
        r["source_accuracy"] = acc["en"]
        r["target_mean_accuracy"] = sum(v for k, v in acc.items() if k != "en") / (len(acc) - 1)
        results[setup] = r
        print(f"   {r['examples_per_second']:.1f} examples/s, peak RSS {r['peak_rss_gb']:.2f} GB, "
              f"en {r['source_accuracy']:.3f}, 13-language mean {r['target_mean_accuracy']:.3f}", flush=True)
    if "xlt" in results:
        for base in ("hf-padded", "hf-dynamic"):
            if base in results:
                ratio = results["xlt"]["examples_per_second"] / results[base]["examples_per_second"]
                results["xlt"][f"speedup_vs_{base}"] = ratio
                print(f"xlt / {base}: {ratio:.2f}x examples/s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"epochs": args.epochs, "machine": machine(), "results": results}, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
