"""Predict a Parquet file with an xlt model on Spark, with ``mapInPandas``.

    python examples/spark_predict.py runs/demo-emoji-groups texts.parquet predictions/ --master 'local[2]'

The predictor is made once per Python worker at module level and loads its model on its first batch; Spark
ships the function (and so the unloaded predictor) to every executor.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator

import xlt

PREDICTOR: xlt.Predictor | None = None  # set in main(); each Python worker unpickles it and loads the model once


def predict(frames: Iterator) -> Iterator:
    """Each pandas DataFrame of a partition with its prediction columns."""
    for frame in frames:
        yield PREDICTOR(frame)[["text", "label", "score"]]


def main() -> None:
    global PREDICTOR
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a run, saved model or exported variant (a classifier)")
    parser.add_argument("input", help="a Parquet file or folder with a 'text' column")
    parser.add_argument("output", help="a folder for the Parquet part files of predictions")
    parser.add_argument("--master", default="local[2]", help="Spark master URL")
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    PREDICTOR = xlt.load(args.model, device="cpu", threads=1)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this Python, which has xlt and pyarrow
    spark = SparkSession.builder.master(args.master).appName("xlt-predict").getOrCreate()
    texts = spark.read.parquet(args.input).select("text")
    texts.mapInPandas(predict, schema="text string, label string, score double").write.mode("overwrite").parquet(
        args.output)
    spark.stop()


if __name__ == "__main__":
    main()
