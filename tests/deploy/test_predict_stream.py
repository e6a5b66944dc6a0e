"""``xlt predict`` on files: every format in and out, chunked, resumable after a kill, bad rows stopped or kept."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

import xlt
from xlt.cli.main import app
from xlt.deploy.batch.progress import PredictProgress
from xlt.deploy.batch.stream import predict_file
from xlt.errors import DataError

WORDS = ["red", "green", "blue", "chair", "table", "lamp", "rot", "grün", "Tisch", "rouge", "chaise"]


def texts(n: int) -> list[str]:
    return [" ".join(WORDS[(i * k) % len(WORDS)] for k in (1, 3, 7)[: 1 + i % 3]) for i in range(n)]


@pytest.fixture(scope="module")
def predictor(tiny_run):
    return xlt.load(tiny_run, device="cpu")


@pytest.fixture(scope="module")
def expected(predictor):
    """id -> label of 300 texts, predicted in memory in one call."""
    return {f"r{i}": p.label for i, p in enumerate(predictor.predict(texts(300)))}


def write_input(path, n: int = 300) -> None:
    import pandas as pd

    frame = pd.DataFrame({"id": [f"r{i}" for i in range(n)], "text": texts(n)})
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in frame.to_dict("records")), encoding="utf-8")
    elif path.suffix in (".csv", ".tsv"):
        frame.to_csv(path, sep="," if path.suffix == ".csv" else "\t", index=False)
    elif path.suffix == ".parquet":
        frame.to_parquet(path)


def read_output(path) -> list[dict]:
    import pandas as pd

    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    if path.suffix in (".csv", ".tsv"):
        return pd.read_csv(path, sep="," if path.suffix == ".csv" else "\t").to_dict("records")
    return pd.read_parquet(path).to_dict("records")  # a folder of part files


@pytest.mark.parametrize("suffix_in", [".jsonl", ".csv", ".tsv", ".parquet"])
@pytest.mark.parametrize("suffix_out", [".jsonl", ".csv", ".parquet"])
def test_every_format_in_and_out_gives_every_row_once_in_order(predictor, expected, tmp_path, suffix_in, suffix_out):
    source, target = tmp_path / f"in{suffix_in}", tmp_path / f"out{suffix_out}"
    write_input(source)
    state = predict_file(predictor, source, target, chunk_size=64, progress=False)
    assert (state.rows_done, state.predicted, state.rejected, state.finished) == (300, 300, 0, True)
    rows = read_output(target)
    assert [r["id"] for r in rows] == list(expected)
    assert {r["id"]: r["label"] for r in rows} == expected  # chunking does not change a prediction


def test_plain_text_in_and_out_is_one_line_per_text(predictor, expected, tmp_path):
    source, target = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_text("\n".join(texts(300)) + "\n\n", encoding="utf-8")
    predict_file(predictor, source, target, chunk_size=100, progress=False)
    assert target.read_text("utf-8").splitlines() == list(expected.values())


def test_a_run_stopped_mid_way_resumes_with_no_row_lost_or_repeated(predictor, expected, tmp_path, monkeypatch):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_input(source)
    calls = {"n": 0}
    real = type(predictor).predict_rows

    def dies_on_the_third_chunk(self, rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, rows)

    monkeypatch.setattr(type(predictor), "predict_rows", dies_on_the_third_chunk)
    with pytest.raises(KeyboardInterrupt):
        predict_file(predictor, source, target, chunk_size=50, progress=False)
    monkeypatch.undo()
    assert PredictProgress.read(target).rows_done == 100
    with target.open("ab") as f:  # a chunk written but never committed (killed before the record was saved)
        f.write(b'{"id": "r100", "half": ')
    with pytest.raises(Exception, match="--resume to continue"):
        predict_file(predictor, source, target, chunk_size=50, progress=False)
    state = predict_file(predictor, source, target, chunk_size=50, resume=True, progress=False)
    assert state.finished and state.rows_done == 300
    rows = read_output(target)
    assert [r["id"] for r in rows] == list(expected) and {r["id"]: r["label"] for r in rows} == expected
    assert predict_file(predictor, source, target, resume=True, progress=False).rows_done == 300  # nothing to do


def test_bad_rows_stop_with_file_line_and_field_or_go_to_the_rejects_file(predictor, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "red"}\n{"id": "b", "txt": "blue"}\n{"id": "c", \n'
                      '{"id": "d", "text": "chair"}\n', encoding="utf-8")
    with pytest.raises(DataError) as err:
        predict_file(predictor, source, tmp_path / "stop.jsonl", progress=False)
    assert str(err.value).startswith(f"{source}:2: field 'text': a string is needed, got nothing")
    state = predict_file(predictor, source, tmp_path / "skip.jsonl", on_error="skip", progress=False)
    assert (state.predicted, state.rejected) == (2, 2)
    assert [r["id"] for r in read_output(tmp_path / "skip.jsonl")] == ["a", "d"]
    rejects = [json.loads(line) for line in (tmp_path / "skip.jsonl.rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["field"]) for r in rejects] == [(2, "text"), (3, None)]
    assert rejects[0]["input"] == {"id": "b", "txt": "blue"} and rejects[1]["error"].startswith("not JSON")


def test_the_cli_streams_stdin_to_stdout_and_refuses_to_overwrite(tiny_run, tmp_path, expected):
    runner = CliRunner()
    result = runner.invoke(app, ["predict", str(tiny_run), "--device", "cpu"], input="\n".join(texts(5)) + "\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in lines] == texts(5) and [r["label"] for r in lines] == list(expected.values())[:5]
    source, target = tmp_path / "in.csv", tmp_path / "out.jsonl"
    write_input(source, 20)
    assert runner.invoke(app, ["predict", str(tiny_run), "-i", str(source), "-o", str(target)]).exit_code == 0
    again = runner.invoke(app, ["predict", str(tiny_run), "-i", str(source), "-o", str(target)])
    assert again.exit_code == 2 and "--overwrite" in again.output
    assert runner.invoke(app, ["predict", "--help"]).output.count("--resume") >= 2


def test_kill_9_then_resume_gives_every_row_exactly_once(tiny_run, tmp_path):
    """The real thing: SIGKILL to a running ``xlt predict``, then the same command with --resume."""
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_input(source, 3000)
    command = [sys.executable, "-m", "xlt.cli.main", "predict", str(tiny_run), "-i", str(source), "-o",
               str(target), "--chunk-size", "100", "--device", "cpu", "--resume", "--no-progress"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        record = PredictProgress.read(target) if PredictProgress.path_for(target).exists() else None
        if record is not None and record.rows_done >= 500:
            break
        time.sleep(0.05)
    if process.poll() is not None:
        pytest.fail("the run finished before it could be killed: give it more rows")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_at_kill = PredictProgress.read(target).rows_done
    assert 0 < done_at_kill < 3000
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ids = [r["id"] for r in read_output(target)]
    assert ids == [f"r{i}" for i in range(3000)]
