"""``predict_with_ray`` on a local three-CPU Ray cluster: every row once, in input order, as ``xlt.load`` predicts;
a killed actor is restarted and the job still finishes. ``translate_with_ray`` on the same cluster."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import xlt

ray = pytest.importorskip("ray")

from xlt.deploy.batch.ray_engine import POSITION, predict_with_ray  # noqa: E402
from xlt.deploy.predictor import Predictor  # noqa: E402

WORDS = ["red", "green", "blue", "chair", "table", "lamp", "rot", "grün", "Tisch", "rouge", "chaise"]
ROWS = 2000


def texts(n: int) -> list[str]:
    return [" ".join(WORDS[(i * k) % len(WORDS)] for k in (1, 3, 7)[: 1 + i % 3]) + f" {i}" for i in range(n)]


@pytest.fixture(scope="module")
def cluster():
    """A one-machine Ray cluster with three (logical) CPUs, shut down after the module."""
    ray.init(num_cpus=3, include_dashboard=False, log_to_driver=False)  # two actors, one CPU to read and write
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def input_jsonl(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ray-in") / "texts.jsonl"
    path.write_text("".join(json.dumps({"id": f"r{i}", "text": t}) + "\n" for i, t in enumerate(texts(ROWS))))
    return path


@pytest.fixture(scope="module")
def expected(tiny_run) -> list[str]:
    return [p.label for p in xlt.load(tiny_run, device="cpu").predict(texts(ROWS))]


def read_shards(folder: Path):
    """The output shards read in name order, as one DataFrame."""
    import pandas as pd

    return pd.concat([pd.read_parquet(p) for p in sorted(folder.glob("part-*.parquet"))], ignore_index=True)


def test_every_row_once_in_input_order_as_predicted_locally(cluster, tiny_run, input_jsonl, expected, tmp_path):
    job = predict_with_ray(tiny_run, input_jsonl, tmp_path / "out", workers=2, device="cpu", rows_per_batch=200)
    out = read_shards(tmp_path / "out")
    assert job.rows == ROWS == len(out)
    assert out[POSITION].tolist() == list(range(ROWS))  # exactly once, and the shards' names give input order
    assert out["id"].tolist() == [f"r{i}" for i in range(ROWS)]
    assert out["label"].tolist() == expected


def test_a_folder_of_shards_comes_back_once_in_input_order(cluster, tiny_run, expected, tmp_path):
    import pandas as pd

    folder = tmp_path / "shards"
    folder.mkdir()
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(ROWS)], "text": texts(ROWS)})
    for k, start in enumerate(range(0, ROWS, 300)):  # uneven shards, read as several blocks
        frame.iloc[start:start + 300].to_parquet(folder / f"in-{k:02d}.parquet")
    predict_with_ray(tiny_run, folder, tmp_path / "out", workers=2, device="cpu", rows_per_batch=100)
    out = read_shards(tmp_path / "out")
    assert out[POSITION].tolist() == list(range(ROWS))
    assert out["id"].tolist() == frame["id"].tolist() and out["label"].tolist() == expected


def test_a_killed_actor_is_restarted_and_every_row_comes_back_once(cluster, tiny_run, input_jsonl, expected,
                                                                  tmp_path):
    marker = tmp_path / "died"

    class DiesOnce(Predictor):
        """Exits its process on the batch with row 1000, the first time only (the marker file says)."""

        def __call__(self, batch):
            if 1000 in set(batch[POSITION].tolist()) and not marker.exists():
                marker.touch()
                os._exit(1)
            return super().__call__(batch)

    job = predict_with_ray(tiny_run, input_jsonl, tmp_path / "out", workers=2, device="cpu", rows_per_batch=200,
                           predictor_class=DiesOnce)
    out = read_shards(tmp_path / "out")
    assert marker.exists() and job.rows == ROWS
    assert out[POSITION].tolist() == list(range(ROWS))
    assert out["label"].tolist() == expected


def test_translation_on_ray_in_order_once_per_text_and_cached(cluster, tmp_path):
    from xlt.translate import TranslationCache, Translator
    from xlt.translate.ray_translate import translate_with_ray

    class Reverse(Translator):
        batch_size = 16

        @property
        def cache_key(self) -> str:
            return "test:reverse"

        def translate_batch(self, texts: list[str]) -> list[str]:
            return [t[::-1] for t in texts]

    cache = TranslationCache(tmp_path / "cache.sqlite")
    words = texts(300) * 2  # duplicates are translated once
    assert translate_with_ray(Reverse(), words, workers=2, cache=cache) == [t[::-1] for t in words]
    assert len(cache) == 300


def test_the_cli_engine_ray(cluster, tiny_run, tmp_path):
    from typer.testing import CliRunner

    from xlt.cli.main import app

    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts(100)))
    runner = CliRunner()
    result = runner.invoke(app, ["predict", str(tiny_run), "-i", str(source), "-o", str(tmp_path / "out"),
                                 "--engine", "ray", "--workers", "1", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "100 predictions by 1 Ray workers" in result.output
    assert read_shards(tmp_path / "out")[POSITION].tolist() == list(range(100))
    again = runner.invoke(app, ["predict", str(tiny_run), "-i", str(source), "-o", str(tmp_path / "out"),
                                "--engine", "ray"])
    assert again.exit_code == 2 and "exists; --overwrite to replace it" in again.output
    result = runner.invoke(app, ["predict", str(tiny_run), "--engine", "ray"], input="red chair\n")
    assert result.exit_code == 2 and "--engine ray needs --input and --output files" in result.output


def test_a_format_it_does_not_read_is_named(tiny_run, tmp_path):
    (tmp_path / "t.txt").write_text("red chair\n")
    with pytest.raises(xlt.errors.ConfigError, match="reads parquet or jsonl"):
        predict_with_ray(tiny_run, tmp_path / "t.txt", tmp_path / "out")


def test_evaluate_on_ray_scores_what_the_local_engine_scores(cluster, tiny_run, toy_jsonl, tmp_path):
    """Each language predicted by a Ray worker; scores, intervals and predictions identical to one process."""
    from xlt.finetune.evaluate_saved import evaluate_saved

    data = {"format": "jsonl", "path": str(toy_jsonl / "{lang}.jsonl"), "languages": ["en", "de", "fr"]}
    local = evaluate_saved(tiny_run, data, output=tmp_path / "local", device="cpu")
    remote = evaluate_saved(tiny_run, data, output=tmp_path / "ray", device="cpu", ray={"workers": 2})
    assert remote["systems"] == local["systems"]
    for lang in ("en", "de", "fr"):
        assert (tmp_path / "ray" / "predictions" / f"{lang}.jsonl").read_text() == \
            (tmp_path / "local" / "predictions" / f"{lang}.jsonl").read_text()
