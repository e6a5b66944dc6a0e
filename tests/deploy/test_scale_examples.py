"""``examples/ray_predict.py`` and ``examples/spark_predict.py`` run as scripts on the tiny run and predict what
``xlt.load`` predicts (each skips when its engine, or Spark's Java, is not installed); ``bench/ray_predict.py``
on 200 texts (slow)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import xlt

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TEXTS = ["red chair", "rot Tisch", "rouge chaise", "green lamp", "blue table", "grün Lampe"] * 20


@pytest.fixture
def texts_parquet(tmp_path) -> Path:
    import pandas as pd

    path = tmp_path / "texts.parquet"
    pd.DataFrame({"text": TEXTS}).to_parquet(path)
    return path


def run_example(name: str, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(EXAMPLES.parents[0] / "src"),
                                                                      os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(EXAMPLES / name), *args], env=env, capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]


def predicted(folder: Path) -> dict[str, str]:
    import pandas as pd

    frame = pd.concat([pd.read_parquet(p) for p in folder.glob("*.parquet")])
    assert len(frame) == len(TEXTS)
    return dict(zip(frame["text"], frame["label"], strict=True))


def expected(tiny_run) -> dict[str, str]:
    return {t: p.label for t, p in zip(TEXTS, xlt.load(tiny_run, device="cpu").predict(TEXTS), strict=True)}


def test_the_ray_recipe(tiny_run, texts_parquet, tmp_path):
    pytest.importorskip("ray")
    run_example("ray_predict.py", str(tiny_run), str(texts_parquet), str(tmp_path / "out"), "--workers", "1")
    assert predicted(tmp_path / "out") == expected(tiny_run)


@pytest.mark.slow  # Spark starts a JVM: about a minute
def test_the_spark_recipe(tiny_run, texts_parquet, tmp_path):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    run_example("spark_predict.py", str(tiny_run), str(texts_parquet), str(tmp_path / "out"))
    assert predicted(tmp_path / "out") == expected(tiny_run)


@pytest.mark.slow  # about a minute: the local engine, then a Ray cluster and two actors
def test_the_ray_bench_on_200_texts(tiny_run, tmp_path):
    pytest.importorskip("ray")
    import json

    bench = EXAMPLES.parent / "bench" / "ray_predict.py"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(EXAMPLES.parent / "src"),
                                                                      os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(bench), "--model", str(tiny_run), "--texts", "200",
                           "--rows-per-batch", "50", "--out",
                           str(tmp_path / "r.json")], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| ray / local |" in done.stdout
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["texts"] == 200 and len(result["actors"]) == 2  # one input file still feeds both actors
