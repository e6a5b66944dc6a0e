"""The Ray cluster a job runs on: the one already connected, the one at ``address`` (or ``$RAY_ADDRESS``), or a
new one on this machine that lives as long as the job."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from xlt.extras import require


@contextmanager
def ray_cluster(address: str | None = None, *, local_cpus: int) -> Iterator[None]:
    """Connect for the ``with`` block; a cluster this starts (with ``local_cpus`` CPUs) stops after it."""
    require("distributed", "ray")
    import ray

    if ray.is_initialized():
        yield
        return
    joining = address or os.environ.get("RAY_ADDRESS")
    ray.init(address=joining, num_cpus=None if joining else local_cpus, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()
