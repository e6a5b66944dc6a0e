"""End to end: train() on a tiny model and on the real built-in one; interrupt and resume."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest

from xlt.errors import ConfigError, DataError
from xlt.finetune.config import TrainConfig
from xlt.finetune.train import train
from xlt.interrupt import GracefulInterrupt, TrainingInterrupted
from xlt.run_folder import RunFolder


def toy_config(tiny_model: Path, toy_data: Path, out: Path, **overrides) -> TrainConfig:
    raw = {
        "name": "toy", "output_dir": str(out / "runs"),
        "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en", "de", "fr"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25, "seed": 0}, "source_languages": ["en"]},
        "training": {"epochs": 3, "batch_size": 4, "learning_rate": 1e-3},
        "evaluation": {"bootstrap_resamples": 50},
    }
    for key, value in overrides.items():
        raw[key] = {**raw.get(key, {}), **value} if isinstance(value, dict) else value
    return TrainConfig.validated(raw)


def test_run_folder_has_everything_and_model_loads_with_plain_transformers(tiny_model, toy_data, tmp_path):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    run = train(toy_config(tiny_model, toy_data, tmp_path))
    root = run.root
    for name in ("config.yaml", "split.json", "metrics.json", "report.md", "report.html", "run_info.json"):
        assert (root / name).is_file(), name
    assert not (root / "checkpoints").exists()  # removed once the run finished
    assert sorted(p.name for p in (root / "predictions").iterdir()) == ["de.jsonl", "en.jsonl", "fr.jsonl"]

    metrics = json.loads((root / "metrics.json").read_text())
    assert list(metrics["systems"]) == ["xlt", "lexical", "frozen-encoder"]
    assert metrics["source_languages"] == ["en"] and metrics["target_languages"] == ["de", "fr"]
    assert run.run_info.zero_shot is True
    assert 0 < run.run_info.trainable_params < run.run_info.total_params  # freeze: embeddings frozen

    split = json.loads((root / "split.json").read_text())
    train_ids = set(split["splits"]["train"]["ids"]) if "splits" in split else None
    if train_ids is not None:
        assert not train_ids & set(split["splits"]["test"]["ids"])

    # the saved model answers like the run's own predictions, loaded by plain transformers
    model = AutoModelForSequenceClassification.from_pretrained(root / "model", trust_remote_code=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(root / "model")
    rows = [json.loads(line) for line in (root / "predictions" / "de.jsonl").read_text().splitlines()]
    enc = tokenizer([r["text"] for r in rows], padding=True, return_tensors="pt")
    labels = [model.config.id2label[int(i)] for i in model(**enc).logits.argmax(-1)]
    assert labels == [r["prediction"] for r in rows]


def test_dev_set_is_source_language_only(tiny_model, toy_data, tmp_path):
    cfg = toy_config(tiny_model, toy_data, tmp_path, evaluation={"baselines": []})
    data = cfg.data.load()
    assert set(data["dev"]["lang"]) == {"en"}
    assert set(data["train"]["lang"]) == {"en"}


def test_selecting_on_target_data_needs_the_explicit_option(tiny_model, toy_data, tmp_path):
    with pytest.raises(ConfigError, match="not zero-shot"):
        toy_config(tiny_model, toy_data, tmp_path, data={"dev_languages": ["en", "de"]})
    cfg = toy_config(tiny_model, toy_data, tmp_path, data={"dev_languages": ["en", "de"]},
                     training={"select_on_target": True, "epochs": 1}, evaluation={"baselines": []})
    run = train(cfg)
    assert run.run_info.zero_shot is False
    assert "NOT zero-shot" in (run.root / "report.md").read_text()
    assert "NOT zero-shot" in (run.root / "report.html").read_text()


def test_existing_run_is_not_overwritten_silently(tiny_model, toy_data, tmp_path):
    cfg = toy_config(tiny_model, toy_data, tmp_path, training={"epochs": 1}, evaluation={"baselines": []})
    train(cfg)
    with pytest.raises(ConfigError, match="exists"):
        train(cfg)
    with pytest.raises(ConfigError, match="no checkpoint"):
        train(cfg, resume=True)
    train(cfg, overwrite=True)


def test_resume_refuses_a_config_that_changes_what_trained(tiny_model, toy_data, tmp_path, monkeypatch):
    """--resume with another learning rate fails before any data loads, naming the key and both values; a longer
    schedule or other evaluation settings may change (the config.yaml the run rewrites stays true)."""
    train_module = sys.modules[train.__module__]  # xlt.finetune.train, the module (the package exports the function)

    cfg = toy_config(tiny_model, toy_data, tmp_path, training={"epochs": 1})
    run = RunFolder(cfg.run_dir)
    (run.checkpoints / "checkpoint-2").mkdir(parents=True)  # as Ctrl-C leaves it
    run.config.write_text(cfg.to_yaml())
    changed = cfg.with_overrides(["training.learning_rate=1e-2", "model.max_length=64"])
    with pytest.raises(ConfigError, match=r"model.max_length: 32 there, 64 now; training.learning_rate: 0.001 there, "
                                          r"0.01 now. "
                                          r"Resume with the run's own config"):
        train(changed, resume=True)

    def stop(*args, **kwargs):
        raise RuntimeError("the run went on past the config check")

    monkeypatch.setattr(train_module, "_prepare_folder", stop)
    with pytest.raises(RuntimeError, match="went on"):
        train(cfg.with_overrides(["training.epochs=3", "evaluation.bootstrap_resamples=10"]), resume=True)


def test_unknown_label_in_a_target_language_is_a_clear_error(tiny_model, toy_data, tmp_path):
    path = toy_data / "de.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for row in rows:
        row["label"] = "farbe" if row["label"] == "colour" else row["label"]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(DataError, match=r"language 'de' has label 'farbe'.*field 'label'|field 'label'.*'farbe'"):
        train(toy_config(tiny_model, toy_data, tmp_path))


def test_ctrl_c_leaves_a_checkpoint_and_resume_finishes(tiny_model, toy_data, tmp_path, monkeypatch):
    """A real SIGINT at step 2: the run stops with a checkpoint; --resume continues to the end."""
    original = GracefulInterrupt.on_step_end
    handler = signal.getsignal(signal.SIGINT)  # SIG_IGN where the tests run as a background job
    sent = []

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step == 2 and not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does
        return original(self, args, state, control, **kwargs)

    monkeypatch.setattr(GracefulInterrupt, "on_step_end", on_step_end)
    cfg = toy_config(tiny_model, toy_data, tmp_path, training={"early_stopping_patience": None},
                     evaluation={"baselines": []})
    with pytest.raises(TrainingInterrupted, match="--resume"):
        train(cfg)
    checkpoints = sorted((cfg.run_dir / "checkpoints").glob("checkpoint-*"))
    assert [c.name for c in checkpoints] == ["checkpoint-2"]
    assert not (cfg.run_dir / "model").exists()
    assert signal.getsignal(signal.SIGINT) is handler  # handler restored

    run = train(cfg, resume=True)
    assert run.run_info.epochs_run == 3
    assert (run.root / "model" / "config.json").is_file()


@pytest.mark.slow
def test_real_builtin_model_learns_and_transfers(builtin_model, tmp_path):
    """A short run of the real multilingual-e5-small on two languages of emoji-groups."""
    cfg = TrainConfig.validated({
        "name": "real", "output_dir": str(tmp_path),
        "data": {"pool": {"format": "builtin:emoji-groups", "languages": ["en", "de"]}, "source_languages": ["en"]},
        "training": {"max_steps": 12, "eval_batch_size": 128},
        "evaluation": {"baselines": ["lexical"], "bootstrap_resamples": 50},
    })
    run = train(cfg)
    xlt = run.results["systems"]["xlt"]["languages"]
    chance = 1 / 8
    assert xlt["en"]["accuracy"] > 4 * chance
    assert xlt["de"]["accuracy"] > 3 * chance
    # the multilingual model transfers; character n-grams of English do not
    assert xlt["de"]["accuracy"] > run.results["systems"]["lexical"]["languages"]["de"]["accuracy"] + 0.1


def test_language_matrix_with_two_source_languages(tiny_model, toy_data, tmp_path):
    cfg = toy_config(tiny_model, toy_data, tmp_path, data={"source_languages": ["en", "de"]},
                     training={"epochs": 1}, evaluation={"baselines": [], "matrix": True})
    run = train(cfg)
    matrix = json.loads((run.root / "matrix.json").read_text())
    assert list(matrix) == ["de", "en", "de+en"]
    assert all(set(row) == {"en", "de", "fr"} for row in matrix.values())
    assert (run.root / "matrix" / "en" / "model" / "config.json").is_file()
    assert (run.root / "report_matrix.png").is_file()
    assert "Train language" in (run.root / "report.md").read_text()
