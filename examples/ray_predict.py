"""Predict a Parquet file (or folder of shards) with an xlt model on Ray Data, from Python.

    python examples/ray_predict.py runs/demo-emoji-groups texts.parquet predictions/ --workers 2

Each actor of the pool holds one :class:`xlt.Predictor` (it pickles without its model and loads it on its first
batch); ``xlt predict --engine ray`` runs the same job with row positions, order and retries set up.
"""

from __future__ import annotations

import argparse

import ray

import xlt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a run, saved model or exported variant")
    parser.add_argument("input", help="a Parquet file or folder with a 'text' column")
    parser.add_argument("output", help="a folder for the Parquet shards of predictions")
    parser.add_argument("--workers", type=int, default=2, help="actors, each with its own model copy")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per actor")
    parser.add_argument("--device", default="cpu", help="cpu, or cuda (each actor then takes one GPU)")
    args = parser.parse_args()

    ray.init(num_cpus=args.workers * args.threads + 1)  # one CPU more than the actors take: for reads and writes
    options = {"path": args.model, "device": args.device, "threads": args.threads}
    (ray.data.read_parquet(args.input)
     .map_batches(xlt.Predictor, fn_constructor_kwargs=options, concurrency=args.workers, num_cpus=args.threads,
                  num_gpus=1 if args.device.startswith("cuda") else None, batch_format="pandas")
     .write_parquet(args.output))
    ray.shutdown()


if __name__ == "__main__":
    main()
