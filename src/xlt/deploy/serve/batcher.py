"""Dynamic micro-batching: concurrent requests share forward passes, behind a bounded queue.

Requests wait in a queue bounded in inputs. A single worker takes the first waiting request and what
else is queued, waiting up to ``max_wait_s`` for more (only when others are queued) until
``max_batch_size`` inputs are gathered, runs one forward pass in a thread (the event loop keeps
accepting requests) and hands each request its slice of the results. With ``batching=False``
every request is its own forward pass (the comparison point). A full queue raises
:class:`QueueFull` at once: the caller answers 503 with Retry-After instead of letting latency grow
without bound.

No library does this for a plain FastAPI app (Ray Serve and Triton do it inside their own servers),
hence this small class.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any


class QueueFull(Exception):
    """The queue holds ``queue_size`` inputs already; ``retry_after`` seconds is a fair wait."""

    def __init__(self, pending: int, retry_after: int) -> None:
        super().__init__(f"the prediction queue is full ({pending} inputs waiting); retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass
class _Item:
    inputs: Sequence[Any]
    future: asyncio.Future
    enqueued: float = field(default_factory=time.perf_counter)


class MicroBatcher:
    """Queue + one worker task calling ``predict(inputs) -> list`` on batches of up to ``max_batch_size`` inputs."""

    def __init__(self, predict: Callable[[list[Any]], list[Any]], *, max_batch_size: int = 32,
                 max_wait_s: float = 0.005, queue_size: int = 512, batching: bool = True,
                 on_batch: Callable[[int, float], None] | None = None) -> None:
        self.predict = predict
        self.max_batch_size = max_batch_size
        self.max_wait_s = max_wait_s
        self.queue_size = queue_size
        self.batching = batching
        self.on_batch = on_batch
        self.pending = 0  # inputs queued or being predicted
        self._queue: asyncio.Queue[_Item | None] = asyncio.Queue()
        self._carry: _Item | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlt-predict")
        self._task: asyncio.Task | None = None
        self._inputs_per_s = 0.0

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="xlt-micro-batcher")

    async def stop(self) -> None:
        """Finish everything queued, then stop the worker."""
        if self._task is not None:
            self._queue.put_nowait(None)
            await self._task
        self._executor.shutdown(wait=True)

    async def submit(self, inputs: Sequence[Any]) -> list[Any]:
        """The predictions for ``inputs`` (in order), once their batch has run."""
        if self.pending + len(inputs) > self.queue_size:
            raise QueueFull(self.pending, self.retry_after())
        item = _Item(inputs, asyncio.get_running_loop().create_future())
        self.pending += len(inputs)
        self._queue.put_nowait(item)
        return await item.future

    def retry_after(self) -> int:
        """Seconds until the queue has likely drained, from the recent throughput (at least 1)."""
        if self._inputs_per_s <= 0:
            return 1
        return max(1, math.ceil(self.pending / self._inputs_per_s))

    async def _next(self, timeout: float | None) -> _Item | None:
        if self._carry is not None:
            item, self._carry = self._carry, None
            return item
        if timeout is None:
            return await self._queue.get()
        return await asyncio.wait_for(self._queue.get(), timeout)

    async def _gather(self, first: _Item) -> tuple[list[_Item], bool]:
        """``first`` plus what is queued, up to the batch size; and whether to stop after.

        Waiting up to ``max_wait_s`` for late requests only pays when others are arriving: when the queue is
        empty at the start (a lone client), the batch runs at once instead of adding the wait to its latency.
        Under load, requests pile up while the previous forward pass runs, so batches fill by themselves.
        """
        batch, size = [first], len(first.inputs)
        busy = self._carry is not None or not self._queue.empty()
        deadline = time.perf_counter() + (self.max_wait_s if busy else 0.0)
        while self.batching and size < self.max_batch_size:
            remaining = deadline - time.perf_counter()
            try:
                item = await self._next(remaining) if remaining > 0 else self._next_nowait()
            except (TimeoutError, asyncio.QueueEmpty):
                break
            if item is None:
                return batch, True
            if size + len(item.inputs) > self.max_batch_size:
                self._carry = item  # starts the next batch
                break
            batch.append(item)
            size += len(item.inputs)
        return batch, False

    def _next_nowait(self) -> _Item | None:
        if self._carry is not None:
            item, self._carry = self._carry, None
            return item
        return self._queue.get_nowait()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        stop = False
        while not stop:
            first = await self._next(None)
            if first is None:
                break
            batch, stop = await self._gather(first)
            live = [item for item in batch if not item.future.done()]  # a cancelled request needs no forward
            inputs = [t for item in live for t in item.inputs]
            started = time.perf_counter()
            try:
                results = await loop.run_in_executor(self._executor, self.predict, inputs) if inputs else []
            except Exception as err:  # the model failed: every request of the batch gets the error
                for item in live:
                    if not item.future.done():
                        item.future.set_exception(err)
            else:
                seconds = time.perf_counter() - started
                if inputs:
                    rate = len(inputs) / max(seconds, 1e-6)
                    self._inputs_per_s = rate if not self._inputs_per_s else 0.8 * self._inputs_per_s + 0.2 * rate
                if self.on_batch:
                    self.on_batch(len(inputs), seconds)
                offset = 0
                for item in live:
                    if not item.future.done():
                        item.future.set_result(results[offset:offset + len(item.inputs)])
                    offset += len(item.inputs)
            finally:
                self.pending -= sum(len(item.inputs) for item in batch)
