"""The command line: help that teaches, a full train/evaluate cycle, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from xlt.cli.main import app

runner = CliRunner()


def write_config(tmp_path: Path, tiny_model: Path, data_path: str, **training) -> Path:
    cfg = {
        "name": "cli", "output_dir": str(tmp_path / "runs"),
        "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "jsonl", "path": data_path, "languages": ["en", "de"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25}, "source_languages": ["en"]},
        "training": {"epochs": 1, "batch_size": 4, **training},
        "evaluation": {"bootstrap_resamples": 20},
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def test_help_lists_the_steps():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("train", "evaluate", "demo", "models"):
        assert command in result.output
    result = runner.invoke(app, ["train", "--help"])
    assert "--resume" in result.output and "--set" in result.output


def test_models_list_and_info(tiny_model, toy_data):
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 0 and "builtin:multilingual-e5-small" in result.output
    result = runner.invoke(app, ["models", "info", str(tiny_model), "--data", f"jsonl:{toy_data}/{{lang}}.jsonl",
                                 "-l", "en", "-l", "de", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert set(info["languages"]) == {"en", "de"}
    assert info["languages"]["en"]["unk_rate"] == 0


def test_train_then_evaluate(tiny_model, toy_data, tmp_path):
    config = write_config(tmp_path, tiny_model, f"{toy_data}/{{lang}}.jsonl")
    result = runner.invoke(app, ["train", str(config), "--set", "training.learning_rate=1e-3"])
    assert result.exit_code == 0, result.output
    run = tmp_path / "runs" / "cli"
    assert (run / "report.html").is_file()
    assert yaml.safe_load((run / "config.yaml").read_text())["training"]["learning_rate"] == 1e-3

    result = runner.invoke(app, ["evaluate", str(run), "--data", f"jsonl:{toy_data}/{{lang}}.jsonl",
                                 "-l", "fr", "-l", "en", "--baselines", "-o", str(tmp_path / "eval")])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert set(metrics["systems"]) == {"xlt", "lexical", "frozen-encoder"}
    assert set(metrics["systems"]["xlt"]["languages"]) == {"en", "fr"}

    # a saved model folder works too (no baselines: they need the run's training data)
    result = runner.invoke(app, ["evaluate", str(run / "model"), "--data", f"jsonl:{toy_data}/{{lang}}.jsonl",
                                 "-l", "de", "-o", str(tmp_path / "eval2")])
    assert result.exit_code == 0, result.output

    # a second train of the same name refuses to overwrite
    result = runner.invoke(app, ["train", str(config)])
    assert result.exit_code == 2 and "exists" in result.output


def test_bad_data_gives_file_and_line_without_traceback(tiny_model, toy_data, tmp_path):
    bad = toy_data / "de.jsonl"
    lines = bad.read_text().splitlines()
    lines[2] = '{"id": "item2", "text": "rot haus", "label": '  # truncated JSON on line 3
    bad.write_text("\n".join(lines) + "\n")
    config = write_config(tmp_path, tiny_model, f"{toy_data}/{{lang}}.jsonl")
    result = runner.invoke(app, ["train", str(config)])
    assert result.exit_code == 2
    assert f"{bad}:3" in result.output.replace("\n", "")
    assert "Traceback" not in result.output


def test_bad_config_names_the_field(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("name: x\ndata: {pool: builtin:emoji-groups}\ntraining: {epochs: many}\n")
    result = runner.invoke(app, ["train", str(path)])
    assert result.exit_code == 2
    assert "training.epochs" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["train", str(path), "--set", "oops"])
    assert result.exit_code == 2 and "KEY=VALUE" in result.output


# ---- a bad config, strategy or input is one line and exit 2, before any data or model is loaded -------------


@pytest.fixture
def no_loading(monkeypatch):
    """Data and model loaders that fail the test if called."""
    from xlt.corpus.config import DataConfig
    from xlt.finetune import load

    def loaded(*args, **kwargs):
        raise AssertionError("data or model was loaded before the config error")

    monkeypatch.setattr(DataConfig, "load", loaded)
    monkeypatch.setattr(load, "load_saved", loaded)


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize(("training", "overrides", "key", "message"), [
    ({"batch_size": 0}, [], "batch_size", "training.batch_size: Input should be greater than or equal to 1"),
    ({}, ["training.epochs=-3"], None,
     "training.epochs: Input should be greater than 0 (from --set training.epochs=-3)"),
    ({}, ["strategy.bogus=1"], None, "strategy.bogus: Extra inputs are not permitted (from --set strategy.bogus=1)"),
    ({}, ["strategy.name=bogus"], None, "strategy.name: unknown strategy 'bogus'; known: adapter, freeze, full, "
                                        "lora, madx, prompt, top (from --set strategy.name=bogus)"),
    ({"learning_rate": 0}, [], "learning_rate", "training.learning_rate: Input should be greater than 0"),
    ({"learning_rate": 5}, [], "learning_rate", "training.learning_rate: Input should be less than 1"),
    ({}, ["task_options.bogus=1"], None,
     "task_options.bogus: Extra inputs are not permitted (from --set task_options.bogus=1)"),
])
def test_bad_config_is_one_line_before_any_loading(tmp_path, no_loading, training, overrides, key, message):
    config = write_config(tmp_path, tmp_path / "no-model", f"{tmp_path}/no-data/{{lang}}.jsonl", **training)
    args = ["train", str(config)] + [arg for item in overrides for arg in ("--set", item)]
    where = str(config)
    if key:  # the file's line of the bad key
        where += f":{next(i for i, t in enumerate(config.read_text().splitlines(), 1) if t.strip().startswith(key))}"
    assert one_error_line(runner.invoke(app, args)) == f"error: {where}: {message}"


def test_data_mapping_without_format_reads_by_suffix(tmp_path, toy_data, monkeypatch):
    config = write_config(tmp_path, tmp_path / "no-model", f"{toy_data}/{{lang}}.jsonl")
    raw = yaml.safe_load(config.read_text())
    del raw["data"]["pool"]["format"]
    config.write_text(yaml.safe_dump(raw))
    seen = {}

    def fake_training(cfg, **kwargs):
        seen["format"], seen["rows"] = cfg.data.pool.format, cfg.data.load()["train"].num_rows
        raise SystemExit(0)

    monkeypatch.setattr("xlt.finetune.train.train", fake_training)
    result = runner.invoke(app, ["train", str(config)])
    assert result.exit_code == 0, result.output
    assert seen["format"] == "jsonl" and seen["rows"] > 0


def test_predict_non_utf8_input_names_the_file_and_line(tmp_path, tiny_model, no_loading):
    bad = tmp_path / "texts.txt"
    bad.write_bytes(b"the cat\nder hund\n" + "la maison bleue\n".encode("utf-16"))
    line = one_error_line(runner.invoke(app, ["predict", str(tiny_model), "--input", str(bad)]))
    assert line.startswith(f"error: {bad}:3: not UTF-8: byte 0xff")
    line = one_error_line(runner.invoke(app, ["predict", str(tiny_model)], input=b"ok\n\xe4\n"))
    assert line == "error: <stdin>:2: not UTF-8: byte 0xe4 at column 1; save the file as UTF-8"
    line = one_error_line(runner.invoke(app, ["predict", str(tiny_model), "--input", str(tmp_path / "no.txt")]))
    assert line == f"error: {tmp_path / 'no.txt'}: file not found"


@pytest.mark.parametrize(("args", "extra", "module"), [
    (["serve", "{model}"], "serve", "fastapi"),
    (["tune", "{config}"], "tune", "optuna"),
    (["export", "{model}", "--format", "onnx"], "export", "onnxruntime"),
    (["predict", "{model}", "-i", "{config}", "-o", "out", "--engine", "ray"], "distributed", "ray"),
    (["translate", "{config}", "-t", "apertium:eng-spa", "-o", "out", "--engine", "ray"], "distributed", "ray"),
])
def test_a_command_without_its_extra_names_the_pip_install(args, extra, module, tiny_model, tmp_path, monkeypatch):
    """The core install has no serving, export or tuning packages: the command says which extra to install."""
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == module else find_spec(name, *a))
    config = tmp_path / "c.yaml"
    config.write_text("name: x\n")
    result = runner.invoke(app, [a.format(model=tiny_model, config=config) for a in args])
    assert result.exit_code == 2, result.output
    assert f"pip install 'xlt[{extra}]'" in result.output and module in result.output


def test_a_device_that_is_not_there_is_named(tiny_model):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    result = runner.invoke(app, ["predict", str(tiny_model), "--text", "hi", "--device", "cuda"])
    assert result.exit_code == 2 and "--device cuda: this torch sees no CUDA GPU" in result.output
    result = runner.invoke(app, ["predict", str(tiny_model), "--text", "hi", "--device", "gpu0"])
    assert result.exit_code == 2 and "not a device" in result.output
