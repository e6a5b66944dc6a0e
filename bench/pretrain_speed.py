"""MLM pretraining speed: ``xlt pretrain`` against transformers' ``run_mlm.py`` defaults, same data, one run.

- ``run_mlm``: what ``transformers/examples/pytorch/language-modeling/run_mlm.py`` does by default:
  ``AutoModelForMaskedLM``, texts tokenized with special-token masks, concatenated and cut into blocks of
  ``max_seq_length`` (``group_texts``), ``DataCollatorForLanguageModeling(mlm_probability=0.15)``, a plain
  ``Trainer`` with per-device batch 8 and lr 5e-5. ``--max_seq_length`` is set to the same 128 as xlt's
  ``max_length`` (run_mlm's own default would be the tokenizer's 512).
- ``xlt``: ``xlt.pretrain`` with the ``mlm`` objective only (sentences as they are, dynamic padding,
  the vocabulary projection computed on masked positions only), batch 8, held-out measurement off.

Both start from the built-in multilingual-e5-small (250k vocabulary; its MLM head is built for both the same
way) and train the same number of steps on the German side of NTREX-128. Tokens/s counts TEXT tokens (no
padding, no special tokens) over the wall time of ``Trainer.train`` only; the same count for both.

    python bench/pretrain_speed.py                 # writes bench/results/pretrain_speed.json
    python bench/pretrain_speed.py --steps 5       # quicker look
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import torch

from xlt.evaluate.machine import machine

HERE = Path(__file__).resolve().parent
DATA = "ntrex"
LANG = "deu"


def german_text() -> list[str]:
    from xlt.corpus.readers.parallel import read_ntrex

    return list(read_ntrex(LANG)["src"][:])


def run_mlm_baseline(texts: list[str], steps: int, max_seq_length: int, batch_size: int, workdir: Path) -> dict:
    """run_mlm.py's data pipeline and Trainer, inline (no hub, the local built-in folder)."""
    import datasets
    from transformers import (
        AutoModelForMaskedLM,
        AutoTokenizer,
        DataCollatorForLanguageModeling,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    from xlt.model.builtin import provision

    set_seed(42)
    path = provision()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForMaskedLM.from_pretrained(path)
    raw = datasets.Dataset.from_dict({"text": texts})
    tokenized = raw.map(lambda ex: tokenizer(ex["text"], return_special_tokens_mask=True), batched=True,
                        remove_columns=["text"])

    def group_texts(examples):  # as in run_mlm.py
        concatenated = {k: list(itertools.chain(*examples[k])) for k in examples}
        total = (len(concatenated["input_ids"]) // max_seq_length) * max_seq_length
        return {k: [t[i:i + max_seq_length] for i in range(0, total, max_seq_length)] for k, t in concatenated.items()}

    grouped = tokenized.map(group_texts, batched=True)
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15)
    counted = {"tokens": 0}
    special = set(tokenizer.all_special_ids)

    def counting_collator(rows):  # the Trainer drops special_tokens_mask (not a forward argument), as in run_mlm
        counted["tokens"] += sum(1 for r in rows for t in r["input_ids"] if t not in special)
        return collator(rows)

    args = TrainingArguments(output_dir=str(workdir / "run_mlm"), max_steps=steps,
                             per_device_train_batch_size=batch_size, learning_rate=5e-5, report_to="none",
                             save_strategy="no", logging_steps=steps,
                             dataloader_num_workers=0, seed=42)
    trainer = Trainer(model=model, args=args, train_dataset=grouped, data_collator=counting_collator,
                      processing_class=tokenizer)
    started = time.perf_counter()
    out = trainer.train()
    seconds = time.perf_counter() - started
    return {"steps": steps, "batch_size": batch_size, "sequence_length": max_seq_length, "seconds": round(seconds, 1),
            "text_tokens": counted["tokens"], "tokens_per_second": round(counted["tokens"] / seconds, 1),
            "train_loss": round(out.training_loss, 4)}


def xlt_run(steps: int, max_length: int, batch_size: int, workdir: Path) -> dict:
    from xlt.pretrain import PretrainConfig, pretrain

    config = PretrainConfig.model_validate({
        "name": "bench-mlm", "output_dir": str(workdir),
        "objectives": {"mlm": {"data": [{"parallel": DATA, "languages": [LANG], "sides": "src"}]}},
        "training": {"max_steps": steps, "batch_size": batch_size, "max_length": max_length, "heldout": 0,
                     "learning_rate": 5e-5, "warmup": 0, "logging_steps": steps, "save_steps": 10_000, "seed": 42},
    })
    report = pretrain(config).report
    return {"steps": report["steps"], "batch_size": batch_size, "max_length": max_length,
            "seconds": report["train_seconds"], "text_tokens": report["tokens"],
            "tokens_per_second": report["tokens_per_second"],
            "train_loss": report["objectives"]["mlm"]["last_loss"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "pretrain_speed.json")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import transformers

    transformers.logging.set_verbosity_error()
    texts = german_text()
    with tempfile.TemporaryDirectory() as tmp:
        results = {"xlt": xlt_run(args.steps, args.max_length, args.batch_size, Path(tmp)),
                   "run_mlm": run_mlm_baseline(texts, args.steps, args.max_length, args.batch_size, Path(tmp))}
    results["speedup_tokens_per_second"] = round(results["xlt"]["tokens_per_second"]
                                                 / results["run_mlm"]["tokens_per_second"], 2)
    results["setup"] = {"data": f"NTREX-128 {LANG} ({len(texts)} lines)", "model": "builtin:multilingual-e5-small",
                        "command": " ".join(["python bench/pretrain_speed.py", *sys.argv[1:]]),
                        "torch_threads": torch.get_num_threads(), "cpu": platform.processor() or platform.machine(),
                        "cuda": torch.cuda.is_available()}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    results["machine"] = machine()
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
