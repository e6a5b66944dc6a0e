"""Figure 3 of issue 5: a tiny Marian trained from scratch on NTREX eng->spa, beside copy-the-source.

Usage: python bench/tiny_marian_ntrex.py EPOCHS LR OUT_DIR VOCAB D_MODEL  (e.g. 8 3e-3 /tmp/marian 1000 64)
Prints the BLEU/chrF of the model and of copy-source, and the loss curve.
"""

import json
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "finetune"))
from tiny_marian import build_tiny_marian  # noqa: E402

from xlt.finetune.config import TrainConfig  # noqa: E402
from xlt.finetune.train import train  # noqa: E402


def main() -> None:
    epochs, lr, out, vocab, d_model = float(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), \
        int(sys.argv[5])
    folder = Path(os.environ.get("XLT_DATA", "../shared/data")) / "parallel" / "ntrex128"
    src = [line.strip() for line in (folder / "newstest2019-src.eng.txt").read_text("utf-8").splitlines()]
    tgt = [line.strip() for line in (folder / "newstest2019-ref.spa.txt").read_text("utf-8").splitlines()]
    shutil.rmtree(out, ignore_errors=True)
    build_tiny_marian(out / "model", src[:1800] + tgt[:1800], vocab_size=vocab, d_model=d_model, layers=1)

    def rows(a: int, b: int) -> list[dict]:
        return [{"id": f"n{i}", "lang": "spa", "text": src[i], "label": tgt[i]} for i in range(a, b)]

    for name, part in (("train", rows(0, 1800)), ("dev", rows(1800, 1850)), ("test", rows(1897, 1997))):
        (out / f"{name}.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in part))
    cfg = TrainConfig.validated({
        "name": "marian", "output_dir": str(out / "runs"), "task": "translation",
        "task_options": {"source_lang": "eng", "num_beams": 1, "max_new_tokens": 64},
        "model": {"name": str(out / "model"), "max_length": 48},
        "data": {s: {"format": "jsonl", "path": f"{out}/{s}.jsonl", "languages": ["spa"]}
                 for s in ("train", "dev", "test")},
        "training": {"epochs": epochs, "batch_size": 32, "learning_rate": lr, "warmup": 0.05,
                     "early_stopping_patience": None, "length_grouped": False},
        "evaluation": {"bootstrap_resamples": 100}})
    started, cpu = time.time(), time.process_time()
    run = train(cfg)
    print("train+eval s", round(time.time() - started, 1), "cpu s", round(time.process_time() - cpu, 1))
    for system in ("xlt", "copy-source"):
        row = run.results["systems"][system]["languages"]["spa"]
        print(system, {k: row[k] for k in ("bleu", "chrf")})
    print(json.loads((run.root / "loss_curve.json").read_text()))


if __name__ == "__main__":
    main()
