"""Ray against the local streaming engine: the same texts through one model, two ways, on this machine's CPUs.

- local: ``xlt predict`` 's engine (:func:`xlt.deploy.batch.stream.predict_file`), 1 process with ``--threads``
  torch threads (one single-threaded forward pass per thread at once),
- ray: :func:`xlt.deploy.batch.ray_engine.predict_with_ray`, ``--workers`` actors x 1 thread each.

The texts are the SIB-200 sentences of every language under ``$XLT_DATA/sib200`` (train, dev and test),
repeated to ``--texts``. Predictions must agree (scores to 1e-4, labels except in near-ties: the engines batch
differently); the script fails otherwise. It prints a markdown
table: texts/s of each, their ratio, each actor's start-up (model load to the end of its first batch, and
from the job's start), and the CPU (model, avx2 / avx512f / avx512_vnni / amx flags).

    make demo && python bench/ray_predict.py [--model runs/demo-emoji-groups] [--texts 20000]
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel

HERE = Path(__file__).resolve().parent
ISA_FLAGS = ("avx2", "avx512f", "avx512_vnni", "amx_tile", "amx_bf16", "amx_int8")


class ActorStart(BaseModel):
    pid: int
    load_to_first_batch_s: float  # the actor's own start-up: model load and first batch
    from_job_start_s: float  # what the job waited for this actor's first batch


class RayBenchResult(BaseModel):
    """One run of this bench (``bench/results/ray_predict.json``)."""

    model: str
    texts: int
    cpu: str
    isa: list[str]
    local_threads: int
    local_texts_per_s: float
    ray_workers: int
    ray_texts_per_s: float
    ray_over_local: float
    actors: list[ActorStart]


def sib200_texts(data: Path, n: int) -> list[str]:
    """``n`` texts cycled from every SIB-200 language's train/dev/test TSV files."""
    pool = []
    for tsv in sorted((data / "sib200").glob("*/*.tsv")):
        with tsv.open(encoding="utf-8", newline="") as f:
            pool.extend(row["text"] for row in csv.DictReader(f, delimiter="\t"))
    if not pool:
        raise SystemExit(f"no SIB-200 texts under {data / 'sib200'}: set XLT_DATA")
    return [pool[i % len(pool)] for i in range(n)]


def cpu_info() -> tuple[str, list[str]]:
    """The CPU model name and which of :data:`ISA_FLAGS` it has (from /proc/cpuinfo)."""
    model, flags = "unknown", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    except OSError:
        pass
    return model, [f for f in ISA_FLAGS if f in flags]


def timed_predictor_class():
    """A :class:`Predictor` whose first batch in each actor adds its pid and start-up times as columns."""
    from xlt.deploy.predictor import Predictor

    class TimedPredictor(Predictor):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._born, self._first = time.time(), True

        def __call__(self, batch):
            out = super().__call__(batch)
            out["actor_pid"] = os.getpid()
            out["actor_ready_at"] = time.time() if self._first else float("nan")
            out["actor_load_s"] = out["actor_ready_at"] - self._born
            self._first = False
            return out

    return TimedPredictor


def margin(probabilities) -> float:
    """The top probability minus the second."""
    first, second = sorted(probabilities, reverse=True)[:2]
    return first - second


def check_same_predictions(local, ray_out, tolerance: float = 1e-4) -> None:
    """Fail unless both engines give the same labels and scores to ``tolerance``.

    Batches differ between the engines (chunk vs Ray block, 2 threads vs 1), so probabilities may differ in the
    last float digits; a label may then differ only where the top two probabilities are within ``tolerance``.
    """
    gap = float((ray_out["score"] - local["score"]).abs().max())
    near_tie = local["scores"].map(lambda scores: margin(scores.values()) < tolerance)
    flipped = (ray_out["label"] != local["label"]) & ~near_tie
    if gap > tolerance or flipped.any():
        raise SystemExit(f"Ray's predictions differ from the local engine's: {int(flipped.sum())} labels, "
                         f"largest score difference {gap:.2g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("runs/demo-emoji-groups"))
    parser.add_argument("--texts", type=int, default=20000)
    parser.add_argument("--threads", type=int, default=2, help="torch threads of the local engine")
    parser.add_argument("--workers", type=int, default=2, help="Ray actors (1 thread each)")
    parser.add_argument("--rows-per-batch", type=int, default=256, help="rows Ray hands an actor at once")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("XLT_DATA", "data")))
    parser.add_argument("--out", type=Path, default=HERE / "results" / "ray_predict.json")
    args = parser.parse_args()
    if not args.model.exists():
        raise SystemExit(f"{args.model} not found: run `make demo` (xlt demo) first or pass --model")

    import pandas as pd
    import ray

    from xlt.deploy.batch.ray_engine import POSITION, predict_with_ray
    from xlt.deploy.batch.stream import predict_file
    from xlt.deploy.predictor import Predictor

    texts = sib200_texts(args.data, args.texts)
    cpu, isa = cpu_info()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "texts.parquet"
        pd.DataFrame({"id": range(len(texts)), "text": texts}).to_parquet(source)

        start = time.perf_counter()  # model load included, as the Ray actors' is
        predict_file(Predictor(args.model, device="cpu", threads=args.threads), source, Path(tmp) / "local.parquet",
                     progress=False)
        local_s = time.perf_counter() - start
        local = pd.concat([pd.read_parquet(p) for p in sorted((Path(tmp) / "local.parquet").glob("part-*"))])

        ray.init(num_cpus=args.workers + 1, include_dashboard=False, log_to_driver=False)  # +1: reads, writes
        try:
            job_start = time.time()
            job = predict_with_ray(args.model, source, Path(tmp) / "ray", workers=args.workers, device="cpu",
                                   threads_per_worker=1, rows_per_batch=args.rows_per_batch,
                                   predictor_class=timed_predictor_class())
        finally:
            ray.shutdown()
        out = pd.concat([pd.read_parquet(p) for p in sorted((Path(tmp) / "ray").glob("part-*.parquet"))])

    if out[POSITION].tolist() != list(range(len(texts))):
        raise SystemExit("Ray's rows are not every input row once, in order")
    check_same_predictions(local.reset_index(drop=True), out.reset_index(drop=True))
    firsts = out.dropna(subset=["actor_ready_at"]).groupby("actor_pid").first()
    actors = [ActorStart(pid=int(pid), load_to_first_batch_s=row.actor_load_s,
                         from_job_start_s=row.actor_ready_at - job_start) for pid, row in firsts.iterrows()]
    result = RayBenchResult(model=str(args.model), texts=len(texts), cpu=cpu, isa=isa, local_threads=args.threads,
                            local_texts_per_s=len(texts) / local_s, ray_workers=args.workers,
                            ray_texts_per_s=len(texts) / job.seconds,
                            ray_over_local=local_s / job.seconds, actors=actors)
    print(table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(result.model_dump_json(indent=2) + "\n")


def table(r: RayBenchResult) -> str:
    """The result as a markdown table."""
    starts = "; ".join(f"{a.load_to_first_batch_s:.1f} s ({a.from_job_start_s:.1f} s after the job's start)"
                       for a in r.actors)
    return "\n".join([
        f"{r.texts} texts, {r.model}; CPU: {r.cpu} ({', '.join(r.isa) or 'no avx2/avx512/amx'})",
        "",
        "| engine | texts/s |",
        "|---|---:|",
        f"| local, 1 process x {r.local_threads} threads | {r.local_texts_per_s:.1f} |",
        f"| ray, {r.ray_workers} actors x 1 thread | {r.ray_texts_per_s:.1f} |",
        f"| ray / local | {r.ray_over_local:.2f}x |",
        f"| actor start-up (load + first batch) | {starts} |",
    ])


if __name__ == "__main__":
    main()
