"""Streaming ``xlt predict`` at scale: memory flat in the number of texts, speed of the in-memory path, resume.

Texts: every Tatoeba sentence under ``$XLT_DATA/tatoeba`` (short multilingual texts, like support tickets),
shuffled with a fixed seed and repeated to N rows of JSONL (``id``, ``text``). Model: the demo run's saved model
(``make demo``). Each measurement is one ``xlt predict`` process; peak RSS is that child's ``ru_maxrss``.

1. streaming ``xlt predict -i texts.jsonl -o out.jsonl`` on ``--small`` and ``--large`` texts: peak RSS, texts/s;
2. the previous release's ``xlt predict`` (``--previous``: a git commit, checked out to a temporary worktree),
   which read all of its input before predicting, on the small texts: texts/s, and identical labels;
3. ``--resume`` killed with SIGKILL half-way through the large texts, then the same command again: every id
   exactly once, and the time lost against the uninterrupted run of step 1.

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
    parser.add_argument("--chunk-size", type=int, default=2048)
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

    # 1. the previous release, in memory (plain text in: it read only --input lines), then streaming small, large
    prev = work / "previous"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(prev), args.previous], check=True)
    try:
        small_txt = work / "texts-small.txt"
        small_txt.write_text("".join(json.loads(line)["text"] + "\n" for line in
                                     inputs[args.small].read_text("utf-8").splitlines()), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(prev / "src")}
        with (work / "previous.jsonl").open("w") as out:
            old = run([sys.executable, "-m", "xlt.cli.main", "predict", str(args.model), "--input", str(small_txt),
                       "--device", "cpu"], env=env, stdout=out)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(prev)], check=False)
    old["texts_per_second"] = args.small / old["seconds"]
    results["previous_in_memory"] = {"texts": args.small, "commit": args.previous, **old}
    print(f"previous release, in memory, {args.small} texts: {old['texts_per_second']:.1f} texts/s, "
          f"peak {old['peak_rss_mb']:.0f} MB", flush=True)

    for n in (args.small, args.large):
        out = work / f"out-{n}.jsonl"
        row = run(xlt(str(args.model), "-i", str(inputs[n]), "-o", str(out), "--chunk-size", str(args.chunk_size)))
        row["texts_per_second"] = n / row["seconds"]
        results[f"streaming_{n}"] = {"texts": n, **row}
        print(f"streaming, {n} texts: {row['texts_per_second']:.1f} texts/s, peak {row['peak_rss_mb']:.0f} MB",
              flush=True)
    previous = [json.loads(line)["label"] for line in (work / "previous.jsonl").read_text("utf-8").splitlines()]
    streamed = list(labels(work / f"out-{args.small}.jsonl").values())
    results["identical_to_previous"] = previous == streamed
    small, large = results[f"streaming_{args.small}"], results[f"streaming_{args.large}"]
    results["rss_large_over_small"] = large["peak_rss_mb"] / small["peak_rss_mb"]
    results["streaming_over_previous_speed"] = small["texts_per_second"] / old["texts_per_second"]

    # 3. kill -9 half-way, then resume
    out = work / "killed.jsonl"
    command = xlt(str(args.model), "-i", str(inputs[args.large]), "-o", str(out), "--resume",
                  "--chunk-size", str(args.chunk_size))
    progress = out.with_name(out.name + ".progress.json")
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None:
        if progress.exists() and json.loads(progress.read_text())["rows_done"] >= args.large // 2:
            time.sleep(large["seconds"] * args.chunk_size / args.large / 2)  # mid-chunk: the worst case
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.2)
    process.wait()
    first = time.perf_counter() - start
    done_at_kill = json.loads(progress.read_text())["rows_done"]
    second = run(command)["seconds"]
    ids = [row["id"] for row in map(json.loads, out.read_text("utf-8").splitlines())]
    once = ids == [f"t{i}" for i in range(args.large)]
    results["kill_resume"] = {"rows_done_at_kill": done_at_kill, "killed_run_seconds": first,
                              "resumed_run_seconds": second, "every_row_once_in_order": once,
                              "seconds_lost": first + second - large["seconds"],
                              "one_chunk_seconds": large["seconds"] * args.chunk_size / args.large}
    print(f"kill -9 at {done_at_kill} rows, resumed: every row once in order: {once}; lost "
          f"{results['kill_resume']['seconds_lost']:.1f} s (one chunk: "
          f"{results['kill_resume']['one_chunk_seconds']:.1f} s; includes one more model start)", flush=True)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n| texts | way | texts/s | peak RSS MB |\n|---:|---|---:|---:|\n"
          f"| {args.small:,} | previous release (in memory) | {old['texts_per_second']:.1f} | "
          f"{old['peak_rss_mb']:.0f} |\n"
          f"| {args.small:,} | streaming | {small['texts_per_second']:.1f} | {small['peak_rss_mb']:.0f} |\n"
          f"| {args.large:,} | streaming | {large['texts_per_second']:.1f} | {large['peak_rss_mb']:.0f} |\n")
    print(f"RSS {args.large:,} / {args.small:,}: {results['rss_large_over_small']:.3f}; streaming / previous speed: "
          f"{results['streaming_over_previous_speed']:.3f}; identical labels: {results['identical_to_previous']}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
