"""MicroBatcher: concurrent requests share forward passes; a full queue refuses at once; stop drains."""

from __future__ import annotations

import asyncio
import time

import pytest

from xlt.deploy.serve.batcher import MicroBatcher, QueueFull


class Recorder:
    def __init__(self, delay: float = 0.0) -> None:
        self.batches: list[list[str]] = []
        self.delay = delay

    def __call__(self, texts: list[str]) -> list[str]:
        time.sleep(self.delay)
        self.batches.append(list(texts))
        return [t.upper() for t in texts]


async def _submit_all(batcher: MicroBatcher, requests: list[list[str]]) -> list:
    batcher.start()
    try:
        return await asyncio.gather(*(batcher.submit(r) for r in requests), return_exceptions=True)
    finally:
        await batcher.stop()


def test_concurrent_requests_share_forward_passes_and_get_their_own_results():
    model = Recorder()
    requests = [[f"r{i}a", f"r{i}b"] for i in range(10)]
    results = asyncio.run(_submit_all(MicroBatcher(model, max_batch_size=8, max_wait_s=0.05), requests))
    assert results == [[t.upper() for t in r] for r in requests]
    assert len(model.batches) < len(requests)
    assert max(len(b) for b in model.batches) <= 8


def test_without_batching_every_request_is_one_forward_pass():
    model = Recorder()
    requests = [[f"r{i}"] for i in range(6)]
    results = asyncio.run(_submit_all(MicroBatcher(model, batching=False), requests))
    assert results == [[t.upper() for t in r] for r in requests]
    assert model.batches == requests


def test_a_full_queue_refuses_at_once_with_a_retry_time():
    model = Recorder(delay=0.05)
    requests = [["x", "y"] for _ in range(10)]
    results = asyncio.run(_submit_all(MicroBatcher(model, max_batch_size=2, queue_size=4), requests))
    refused = [r for r in results if isinstance(r, QueueFull)]
    assert refused and all(r.retry_after >= 1 for r in refused)
    assert all(r == ["X", "Y"] for r in results if not isinstance(r, QueueFull))


def test_a_model_error_reaches_every_request_of_the_batch_and_the_batcher_goes_on():
    calls = []

    def flaky(texts):
        calls.append(texts)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return texts

    async def scenario():
        batcher = MicroBatcher(flaky, max_batch_size=4, max_wait_s=0.05)
        batcher.start()
        first = await asyncio.gather(batcher.submit(["a"]), batcher.submit(["b"]), return_exceptions=True)
        second = await batcher.submit(["c"])
        await batcher.stop()
        return first, second

    first, second = asyncio.run(scenario())
    assert all(isinstance(r, RuntimeError) for r in first)
    assert second == ["c"]


@pytest.mark.parametrize("batching", [True, False])
def test_stop_finishes_everything_queued(batching):
    model = Recorder(delay=0.01)

    async def scenario():
        batcher = MicroBatcher(model, max_batch_size=2, max_wait_s=0.01, batching=batching)
        batcher.start()
        pending = [asyncio.ensure_future(batcher.submit([str(i)])) for i in range(7)]
        await asyncio.sleep(0)  # all submitted
        await batcher.stop()
        return [p.result() for p in pending]

    assert asyncio.run(scenario()) == [[str(i)] for i in range(7)]


def test_a_lone_request_runs_at_once_without_waiting_for_company():
    async def lone() -> float:
        batcher = MicroBatcher(Recorder(), max_batch_size=32, max_wait_s=30.0)
        batcher.start()
        try:
            started = time.perf_counter()
            await batcher.submit(["only"])
            return time.perf_counter() - started
        finally:
            await batcher.stop()

    assert asyncio.run(lone()) < 10.0  # the 30 s wait applies only when other requests are queued
