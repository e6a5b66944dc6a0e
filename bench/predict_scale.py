"""Streaming ``xlt predict`` at scale: memory flat in the number of texts, speed of the in-memory path, resume.

Texts: every Tatoeba sentence under ``$XLT_DATA/tatoeba`` (short multilingual texts, like support tickets),
shuffled with a fixed seed and repeated to N rows of JSONL (``id``, ``text``). Model: the demo run's saved model
(``make demo``). Each measurement is one ``xlt predict`` process; peak RSS is that child's ``ru_maxrss``.

1. the previous release's ``xlt predict`` (``--previous``: a git commit, checked out to a temporary worktree),
   which read all of its input before predicting, and streaming ``xlt predict -i texts.jsonl -o out.jsonl``, on
   the ``--small`` texts: texts/s, peak RSS, identical labels;
2. ``--resume`` on the ``--large`` texts, killed with SIGKILL half-way (mid-chunk), then the same command again:
   the peak RSS of both processes, every id exactly once and in order, and the work lost (from the last
   committed chunk to the kill) against one chunk's time.

    make demo && .venv/bin/python bench/predict_scale.py [--small 20000 --large 200000 --previous a9b7ebe]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from xlt.evaluate.machine import cpu_line

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def build_texts(n: int, path: Path, data: Path) -> None:
    sentences = sorted({line.strip() for f in sorted((data / "tatoeba").glob("tatoeba.*"))
                        for line in f.read_text("utf-8").splitlines() if line.strip()})
    random.Random(0).shuffle(sentences)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({"id": f"t{i}", "text": sentences[i % len(sentences)]}, ensure_ascii=False) + "\n")


def run(command: list[str], *, env: dict | None = None, stdout=None) -> dict:
    """Wall seconds and peak RSS (MB) of one child process (its own ``ru_maxrss``, from ``wait4``)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"exit {process.returncode}: {' '.join(command)}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024}


def xlt(*args: str) -> list[str]:
    return [sys.executable, "-m", "xlt.cli.main", "predict", *args, "--device", "cpu", "--no-progress"]


def labels(path: Path) -> dict[str, str]:
    return {row["id"]: row["label"] for row in map(json.loads, path.read_text("utf-8").splitlines())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("runs/demo-emoji-groups/model"))
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--chunk-size", type=int, default=8192)
    parser.add_argument("--previous", default="a9b7ebe", help="git commit of the previous (in-memory) release")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "predict_scale.json")
    args = parser.parse_args()
    data = Path(os.environ.get("XLT_DATA", ROOT.parent / "shared" / "data"))
    if not (args.model / "config.json").is_file():
        raise SystemExit(f"{args.model} is not a model folder: run `make demo` first or pass --model")
    work = Path(tempfile.mkdtemp(prefix="xlt-predict-scale-"))
    results: dict = {"cpu": cpu_line(), "model": str(args.model), "chunk_size": args.chunk_size}
    print(f"CPU: {results['cpu']}", flush=True)
    inputs = {n: work / f"texts-{n}.jsonl" for n in (args.small, args.large)}
    for n, path in inputs.items():
        build_texts(n, path, data)

    # 1. the previous release, in memory (plain text in: it read only --input lines), then streaming; two rounds
    #    alternating, because one shared CPU's speed drifts by several per cent over minutes
    prev = work / "previous"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(prev), args.previous], check=True)
    small_txt = work / "texts-small.txt"
    small_txt.write_text("".join(json.loads(line)["text"] + "\n" for line in
                                 inputs[args.small].read_text("utf-8").splitlines()), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(prev / "src")}
    out = work / f"out-{args.small}.jsonl"
    rounds: dict[str, list[dict]] = {"previous": [], "streaming": []}
    try:
        for _ in range(2):
            with (work / "previous.jsonl").open("w") as stdout:
                rounds["previous"].append(run([sys.executable, "-m", "xlt.cli.main", "predict", str(args.model),
                                               "--input", str(small_txt), "--device", "cpu"], env=env, stdout=stdout))
            rounds["streaming"].append(run(xlt(str(args.model), "-i", str(inputs[args.small]), "-o", str(out),
                                               "--overwrite", "--chunk-size", str(args.chunk_size))))
            print(f"round: previous {args.small / rounds['previous'][-1]['seconds']:.1f} texts/s, streaming "
                  f"{args.small / rounds['streaming'][-1]['seconds']:.1f} texts/s", flush=True)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(prev)], check=False)
    old, small = ({"seconds": sum(r["seconds"] for r in runs) / len(runs),
                   "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "rounds": runs}
                  for runs in (rounds["previous"], rounds["streaming"]))
    for row in (old, small):
        row["texts_per_second"] = args.small / row["seconds"]
    results["previous_in_memory"] = {"texts": args.small, "commit": args.previous, **old}
    results[f"streaming_{args.small}"] = {"texts": args.small, **small}
    print(f"{args.small} texts: previous release in memory {old['texts_per_second']:.1f} texts/s (peak "
          f"{old['peak_rss_mb']:.0f} MB), streaming {small['texts_per_second']:.1f} texts/s (peak "
          f"{small['peak_rss_mb']:.0f} MB)", flush=True)
    previous = [json.loads(line)["label"] for line in (work / "previous.jsonl").read_text("utf-8").splitlines()]
    results["identical_to_previous"] = previous == list(labels(out).values())
    results["streaming_over_previous_speed"] = small["texts_per_second"] / old["texts_per_second"]

    # 2. the large input with --resume: SIGKILL half-way (mid-chunk), then the same command finishes it
    out = work / "large.jsonl"
    command = xlt(str(args.model), "-i", str(inputs[args.large]), "-o", str(out), "--resume",
                  "--chunk-size", str(args.chunk_size))
    progress = out.with_name(out.name + ".progress.json")
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None:
        if progress.exists() and json.loads(progress.read_text())["rows_done"] >= args.large // 2:
            chunk_seconds = args.chunk_size / small["texts_per_second"]
            time.sleep(chunk_seconds / 2)  # mid-chunk: half a chunk of work is in flight
            os.kill(process.pid, signal.SIGKILL)
            killed_at = time.time()
            break
        time.sleep(0.2)
    _, status, usage = os.wait4(process.pid, 0)
    first = {"seconds": time.perf_counter() - start, "peak_rss_mb": usage.ru_maxrss / 1024}
    record = json.loads(progress.read_text())
    lost = killed_at - progress.stat().st_mtime  # work since the last committed chunk: redone after the restart
    second = run(command)
    ids = [row["id"] for row in map(json.loads, out.read_text("utf-8").splitlines())]
    rows_large = args.large - record["rows_done"]
    results["large"] = {"texts": args.large, "killed_after_rows": record["rows_done"], "killed": first,
                        "resumed": {**second, "rows": rows_large, "texts_per_second": rows_large / second["seconds"]},
                        "every_row_once_in_order": ids == [f"t{i}" for i in range(args.large)],
                        "work_lost_seconds": lost, "one_chunk_seconds": chunk_seconds}
    large_peak = max(first["peak_rss_mb"], second["peak_rss_mb"])
    results["rss_large_over_small"] = large_peak / small["peak_rss_mb"]
    print(f"{args.large} texts: killed after {record['rows_done']} committed rows "
          f"(peak {first['peak_rss_mb']:.0f} MB), "
          f"resumed {rows_large} rows at {rows_large / second['seconds']:.1f} texts/s (peak "
          f"{second['peak_rss_mb']:.0f} MB); every row once in order: {results['large']['every_row_once_in_order']}; "
          f"work lost {lost:.1f} s (one chunk {chunk_seconds:.1f} s) + one model start", flush=True)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n| texts | way | texts/s | peak RSS MB |\n|---:|---|---:|---:|\n"
          f"| {args.small:,} | previous release (in memory) | {old['texts_per_second']:.1f} | "
          f"{old['peak_rss_mb']:.0f} |\n"
          f"| {args.small:,} | streaming | {small['texts_per_second']:.1f} | {small['peak_rss_mb']:.0f} |\n"
          f"| {args.large:,} | streaming, killed half-way | | {first['peak_rss_mb']:.0f} |\n"
          f"| {args.large:,} | streaming, resumed | {rows_large / second['seconds']:.1f} | "
          f"{second['peak_rss_mb']:.0f} |\n")
    print(f"RSS {args.large:,} / {args.small:,}: {results['rss_large_over_small']:.3f}; streaming / previous speed: "
          f"{results['streaming_over_previous_speed']:.3f}; identical labels: {results['identical_to_previous']}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
