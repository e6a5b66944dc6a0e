"""``xlt predict --engine ray``: a Parquet or JSONL file (or folder of shards) through an actor pool of
:class:`~xlt.deploy.predictor.Predictor` copies on a Ray cluster, out as a folder of Parquet shards.

Each output row carries its input position (column :data:`POSITION`, from 0), and each shard is named by its
first row's position (``part-000000000000.parquet``, ...), so reading them by name gives the input order back.
A killed actor is restarted and its unfinished batches run again (Ray Data's default for actor pools:
``max_restarts=-1``, ``max_task_retries=-1``); a shard is written whole under its final name, so nothing is
written twice.
Without ``address`` (and ``RAY_ADDRESS``) the job starts a one-machine cluster and stops it when done.
"""

from __future__ import annotations

import functools
import math
import shutil
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from xlt.errors import ConfigError
from xlt.extras import require
from xlt.ray_cluster import ray_cluster

#: the output column with each row's position in the input (0-based)
POSITION = "input_position"
READERS = {"parquet": "read_parquet", "jsonl": "read_json"}
BATCHES_PER_BLOCK = 4  # rows_per_batch batches per block handed to an actor (and blocks per actor at least)
SHARD_ROWS = 8192  # rows per output shard at most


class RayJob(BaseModel):
    """What a finished Ray prediction job did."""

    rows: int
    output: Path
    workers: int
    seconds: float


def predict_with_ray(model: str | Path, input: str | Path, output: str | Path, *, address: str | None = None,
                     workers: int = 2, gpus_per_worker: float = 0, threads_per_worker: int = 1,
                     batch_size: int | None = None, device: str = "auto", dtype: str = "auto",
                     input_format: str | None = None, language: str | None = None, rows_per_batch: int = 256,
                     overwrite: bool = False, predictor_class: type | None = None) -> RayJob:
    """Predict every row of ``input`` with ``workers`` actors and write Parquet shards to the ``output`` folder.

    ``threads_per_worker``: torch threads (and Ray CPUs) per actor; ``gpus_per_worker``: Ray GPUs per actor.
    ``batch_size``: inputs per forward pass; ``rows_per_batch``: rows Ray hands an actor at once (the work a
    killed actor redoes); the rows are split into blocks of a few batches, at least a few per actor, so one
    input file feeds every actor.
    ``overwrite``: replace an existing ``output`` (else that is an error).
    ``predictor_class``: a :class:`Predictor` subclass to run instead.
    """
    require("distributed", "ray")
    import ray

    from xlt.deploy.batch.formats import format_of
    from xlt.deploy.predictor import Predictor

    source = Path(input)
    if not source.exists():
        raise ConfigError(f"{source}: file not found")
    if Path(output).exists() and not overwrite:
        raise ConfigError(f"{output} exists; --overwrite to replace it")
    fmt = format_of(source, input_format).name
    if fmt not in READERS:
        raise ConfigError(f"--engine ray reads {' or '.join(READERS)} (a file or a folder of shards), not {fmt}")
    with ray_cluster(address, local_cpus=workers * threads_per_worker + 1):  # +1: reads and writes
        start = time.perf_counter()
        rows = _run(ray, source, fmt, Path(output), predictor_class or Predictor, workers=workers,
                    num_gpus=gpus_per_worker, threads=threads_per_worker, rows_per_batch=rows_per_batch,
                    options={"path": str(model), "device": device, "dtype": dtype, "batch_size": batch_size,
                             "threads": threads_per_worker, "language": language})
        return RayJob(rows=rows, output=Path(output), workers=workers, seconds=time.perf_counter() - start)


def _run(ray: Any, source: Path, fmt: str, output: Path, predictor_class: type, *, workers: int, num_gpus: float,
         threads: int, rows_per_batch: int, options: dict) -> int:
    from ray.data import DataContext

    DataContext.get_current().execution_options.preserve_order = True  # batches keep the input's row order
    reader = getattr(ray.data, READERS[fmt])
    data = reader(str(source), **({"lines": True} if fmt == "jsonl" else {}))
    rows = data.count()
    positions = ray.data.range(rows).rename_columns({"id": POSITION})  # zip pairs rows by order, kept above
    # a file is read as one block and an actor takes whole blocks: split so that every actor gets work
    blocks = max(workers * BATCHES_PER_BLOCK, math.ceil(rows / (rows_per_batch * BATCHES_PER_BLOCK)))
    predicted = data.zip(positions).repartition(blocks).map_batches(
        predictor_class, fn_constructor_kwargs=options, compute=ray.data.ActorPoolStrategy(size=workers),
        batch_size=rows_per_batch, batch_format="pandas", num_cpus=threads, num_gpus=num_gpus or None)
    if output.exists():  # --overwrite (checked before the job started)
        shutil.rmtree(output)
    output.mkdir(parents=True)
    written = predicted.map_batches(functools.partial(write_shard, folder=str(output)), batch_size=SHARD_ROWS,
                                    batch_format="pyarrow")
    if written.sum("rows") != rows:
        raise RuntimeError(f"Ray wrote {written.sum('rows')} of {rows} rows to {output}")
    return rows


def write_shard(batch, *, folder: str) -> dict:
    """Write one batch of predicted rows as ``part-<first row's input position>.parquet`` (atomically).

    Named by position, not by write task: Ray numbers tasks as they start, which is not the input order when
    the input has several blocks; zero-padded, the names sort in input order.
    """
    import os

    import pyarrow.parquet as pq

    table = batch.sort_by(POSITION)
    target = Path(folder) / f"part-{table.column(POSITION)[0].as_py():012d}.parquet"
    temporary = target.with_name(f".{target.name}.tmp")
    pq.write_table(table, temporary)
    os.replace(temporary, target)  # a retried task rewrites the same name: never a half or double shard
    return {"rows": [table.num_rows]}
