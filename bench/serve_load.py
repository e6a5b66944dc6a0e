"""Serving load test: micro-batching against one-request-one-forward, at 1, 8 and 32 concurrent clients.

Starts three servers on free loopback ports with the same model: ``xlt serve`` with dynamic micro-batching
(``--max-batch-size 32 --max-wait-ms 5``), ``xlt serve --no-batching``, and the HTTP ceiling - the same app
(:func:`xlt.deploy.serve.app.create_app`, same middleware, validation, language detection and JSON) whose
predictor answers every row with a constant instead of running the model. For each number of concurrent
clients the servers are loaded in turn (interleaved, so load from other processes falls on all alike), each
cell bounded by ``--seconds`` and ``--max-requests``. Every request carries one text, drawn from the run's
test split (all languages); one more row sends 32 texts per request to the micro-batching server (one client).
``--threads`` sets the model threads of the two model servers; ``--ceiling-src`` adds the ceiling of another
xlt source tree (e.g. a worktree of an older commit) to measure how much a change lowered the per-request
Python. Loopback only.

    python bench/serve_load.py [--model runs/demo-emoji-groups/exports/onnx-int8] [--seconds 8] [--threads 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

from xlt.evaluate.machine import machine

HERE = Path(__file__).resolve().parent
MODES = {"micro-batching": ["--max-batch-size", "32", "--max-wait-ms", "5"],
         "one-request-one-forward": ["--no-batching"],
         "http-ceiling": None}  # this script's own --serve-constant: the app with a constant predictor


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(model: Path, extra: list[str] | None, threads: int | None,
          src: Path | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, **({"PYTHONPATH": str(src)} if src else {})}
    if extra is None:
        cmd = [sys.executable, __file__, "--serve-constant", str(port), "--model", str(model)]
    else:
        cmd = [sys.executable, "-m", "xlt.cli.main", "serve", str(model), "--port", str(port), "--queue-size",
               "100000", *extra, *(["--threads", str(threads)] if threads else [])]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 900) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server {url} exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"server {url} not ready after {timeout} s")


def batch_stats(url: str) -> tuple[float, float]:
    """(forward passes, texts) so far, from the server's Prometheus metrics."""
    import httpx

    count = total = 0.0
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        if line.startswith("xlt_batch_texts_count"):
            count = float(line.split()[-1])
        elif line.startswith("xlt_batch_texts_sum"):
            total = float(line.split()[-1])
    return count, total


def serve_constant(model: Path, port: int) -> None:
    """The HTTP ceiling: ``xlt serve``'s app and server settings, every prediction a constant (no forward pass)."""
    import uvicorn

    from xlt.deploy.predictor import Predictor
    from xlt.deploy.serve.app import create_app
    from xlt.deploy.serve.logs import log_config
    from xlt.deploy.serve.settings import ServeSettings

    class ConstantPredictor(Predictor):
        constant = None

        def predict_rows(self, rows: list[dict]) -> list:
            if self.constant is None:
                self.constant = super().predict_rows(rows[:1])[0]  # one real record, then the same for all
            return [self.constant] * len(rows)

    settings = ServeSettings(model=model, max_batch_size=32, max_wait_ms=5, queue_size=100000)
    app = create_app(settings, ConstantPredictor(model, batch_size=32))
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=log_config(), access_log=False)  # as run_server


async def load(url: str, texts: list[str], clients: int, seconds: float, max_requests: int,
               per_request: int = 1) -> dict:
    """``clients`` keep-alive connections, each sending its next request when the last one is answered.

    The client is aiohttp: the load generator shares the server's cores, and httpx spends about as much Python
    per request as the server does, which would cap every row at the generator's speed."""
    import aiohttp

    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}  # the status codes of the errors
    sent = 0
    stop_at = time.perf_counter() + seconds
    bodies = [json.dumps({"texts": [texts[(k + j) % len(texts)] for j in range(per_request)]}).encode()
              for k in range(len(texts))]

    async def client(i: int, http: aiohttp.ClientSession) -> None:
        nonlocal errors, sent
        k = i
        while time.perf_counter() < stop_at and sent < max_requests:
            sent += 1
            started = time.perf_counter()
            async with http.post(f"{url}/v1/predict", data=bodies[k % len(bodies)],
                                 headers={"content-type": "application/json"}) as r:
                await r.read()
                if r.status == 200:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1
                    statuses[r.status] = statuses.get(r.status, 0) + 1
            k += clients

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as http:
        began = time.perf_counter()
        await asyncio.gather(*(client(i, http) for i in range(clients)))
        wall = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else float("nan")

    return {"clients": clients, "texts_per_request": per_request, "requests": len(latencies), "errors": errors,
            "error_statuses": statuses,
            "seconds": wall, "texts_per_s": len(latencies) * per_request / wall, "p50_ms": pct(50), "p99_ms": pct(99)}


def show(name: str, cell: dict) -> None:
    print(f"{name:>24} clients={cell['clients']:>2}  {cell['texts_per_s']:7.1f} texts/s  "
          f"p50 {cell['p50_ms']:7.1f} ms  p99 {cell['p99_ms']:7.1f} ms  "
          f"batch {cell['mean_batch_texts'] or 0:.1f}  errors {cell['errors']}", flush=True)


def test_texts(run: Path, n: int) -> list[str]:
    from xlt.finetune.config import TrainConfig

    test = TrainConfig.from_yaml(run / "config.yaml").data.load()["test"]
    by_lang: dict[str, list[str]] = {}
    for text, lang in zip(test["text"], test["lang"], strict=True):
        by_lang.setdefault(lang, []).append(text)
    per = max(1, n // len(by_lang))
    mixed = [t for i in range(per) for texts in by_lang.values() if i < len(texts) for t in [texts[i]]]
    return mixed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("runs/demo-emoji-groups/exports/onnx-int8"))
    parser.add_argument("--run", type=Path, default=None, help="run whose test split gives the texts "
                        "(default: the model's run)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=8.0, help="time per cell")
    parser.add_argument("--max-requests", type=int, default=3000, help="requests per cell at most")
    parser.add_argument("--threads", type=int, default=None, help="model threads of the model servers")
    parser.add_argument("--ceiling-src", type=Path, default=None, help="another xlt source tree (its src/ folder): "
                        "adds its HTTP ceiling as a row, to compare the per-request Python of two versions")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "serve_load.json")
    parser.add_argument("--serve-constant", type=int, default=None, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_constant:
        serve_constant(args.model, args.serve_constant)
        return
    run = args.run or (args.model.parent.parent if args.model.parent.name == "exports" else args.model)
    texts = test_texts(run, 512)

    servers = {mode: start(args.model, extra, args.threads) for mode, extra in MODES.items()}
    if args.ceiling_src:
        servers["http-ceiling (--ceiling-src)"] = start(args.model, None, None, args.ceiling_src)
    try:
        for proc, url in servers.values():
            wait_ready(url, proc)
            asyncio.run(load(url, texts, 4, 2.0, 100))  # warm-up
        cells: dict[str, list[dict]] = {mode: [] for mode in servers}
        for clients in args.clients:
            for mode, (_, url) in servers.items():
                before = batch_stats(url)
                cell = asyncio.run(load(url, texts, clients, args.seconds, args.max_requests))
                after = batch_stats(url)
                forwards = after[0] - before[0]
                cell["mean_batch_texts"] = (after[1] - before[1]) / forwards if forwards else None
                cells[mode].append(cell)
                show(mode, cell)
        _, url = servers["micro-batching"]
        before = batch_stats(url)
        many = asyncio.run(load(url, texts, 1, args.seconds, max(1, args.max_requests // 32), per_request=32))
        after = batch_stats(url)
        many["mean_batch_texts"] = (after[1] - before[1]) / max(after[0] - before[0], 1)
        show("32 texts per request", many)
    finally:
        for proc, _ in servers.values():
            proc.terminate()
        for proc, _ in servers.values():
            proc.wait(timeout=60)

    ratios = {c["clients"]: c["texts_per_s"] / o["texts_per_s"]
              for c, o in zip(cells["micro-batching"], cells["one-request-one-forward"], strict=True)}
    of_ceiling = {c["clients"]: c["texts_per_s"] / o["texts_per_s"]
                  for c, o in zip(cells["micro-batching"], cells["http-ceiling"], strict=True)}
    ceiling_raised = {c["clients"]: c["texts_per_s"] / o["texts_per_s"] for c, o in zip(
        cells["http-ceiling"], cells.get("http-ceiling (--ceiling-src)", []), strict=False)}
    result = {"model": str(args.model), "texts": len(texts), "seconds_per_cell": args.seconds,
              "max_requests_per_cell": args.max_requests, "threads": args.threads, "cells": cells,
              "thirty_two_texts_per_request": many, "throughput_ratio_batching_over_single": ratios,
              "batching_share_of_http_ceiling": of_ceiling, "ceiling_over_ceiling_src": ceiling_raised,
              "ceiling_src": str(args.ceiling_src) if args.ceiling_src else None,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_average_at_end": os.getloadavg()}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result["machine"] = machine()  # int8 and thread scaling depend on the CPU
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for clients, ratio in ratios.items():
        print(f"clients={clients:>2}: micro-batching / one-request-one-forward = {ratio:.2f}x, "
              f"/ http ceiling = {of_ceiling[clients]:.2f}"
              + (f"; ceiling / --ceiling-src's = {ceiling_raised[clients]:.2f}x" if ceiling_raised else ""))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
