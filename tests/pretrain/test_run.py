"""End to end on the tiny model: weighted objectives in one run, the saved folder reloads and ``xlt train`` takes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlt.pretrain import PretrainConfig, pretrain
from xlt.pretrain.trainer import STATE_FILE

from tests.pretrain.helpers import MONO, PAIRS


def write_corpus(root: Path) -> dict[str, str]:
    """Mono text per language and line-aligned xx/en files, as the shared data lays them out."""
    for lang, texts in MONO.items():
        (root / f"mono.{lang}.txt").write_text("\n".join(texts * 3) + "\n", encoding="utf-8")
    for group, pairs in PAIRS.items():
        lang = group.split("-")[0]
        (root / f"par.{lang}").write_text("\n".join(s for s, _ in pairs) + "\n", encoding="utf-8")
        (root / f"par.{lang}-en.en").write_text("\n".join(t for _, t in pairs) + "\n", encoding="utf-8")
    return {"mono": str(root / "mono.{lang}.txt"), "parallel": f"lines:{root}/par.{{lang}}|{root}/par.{{lang}}-en.en"}


def tiny_config(tmp_path: Path, tiny_model: Path, objectives: dict, **training) -> PretrainConfig:
    paths = write_corpus(tmp_path)
    sources = {"mono": [{"text": paths["mono"], "languages": ["en", "de", "fr"]}],
               "parallel": [{"parallel": {"format": "lines", "src": paths["parallel"].split(":", 1)[1].split("|")[0],
                                          "tgt": paths["parallel"].split("|")[1], "tgt_lang": "en"},
                             "languages": ["de", "fr"]}]}
    kinds = {"mlm": "mono", "tlm": "parallel", "alignment": "parallel", "distill": "parallel"}
    return PretrainConfig.model_validate({
        "name": "tiny-pretrain", "output_dir": str(tmp_path / "runs"),
        "model": {"name": str(tiny_model), "max_length": 32},
        "objectives": {name: {"weight": w, "data": sources[kinds[name]]} for name, w in objectives.items()},
        "training": {"max_steps": 6, "batch_size": 4, "max_length": 32, "heldout": 4, "save_steps": 3,
                     "logging_steps": 2, "learning_rate": 1e-3, "warmup": 0, **training},
    })


@pytest.fixture(scope="module")
def combined_run(tmp_path_factory, tiny_model):
    tmp = tmp_path_factory.mktemp("combined")
    config = tiny_config(tmp, tiny_model, {"mlm": 1.0, "tlm": 0.5, "alignment": 1.0, "distill": 2.0},
                         head_warmup_steps=2)
    return pretrain(config)


def test_combined_objectives_train_and_report(combined_run):
    report = combined_run.report
    assert report["steps"] == 6
    assert set(report["objectives"]) == {"mlm", "tlm", "alignment", "distill"}
    for name, o in report["objectives"].items():
        assert o["first_loss"] is not None and o["last_loss"] is not None, name
    assert set(report["token_counts"]) == {"en", "de", "fr"} and all(n > 0 for n in report["token_counts"].values())
    held = report["heldout_mlm_loss"]
    assert held["columns"] == ["start", "after_head_warmup", "end"] and "all" in held["end"]
    assert report["head"]["new_head"] and report["head"]["tied_decoder"]
    md = (combined_run.model_dir / "pretrain_report.md").read_text()
    assert "newly initialised" in md and "Tokens seen per language" in md


def test_saved_folder_loads_with_transformers_and_keeps_the_card(combined_run, tiny_model):
    from transformers import AutoModel, AutoModelForMaskedLM, AutoTokenizer

    from xlt.model.loader import load_encoder
    from xlt.model.spec import ModelSpec

    folder = combined_run.model_dir
    assert AutoModel.from_pretrained(folder) is not None
    assert AutoTokenizer.from_pretrained(folder)("le chat")["input_ids"]
    mlm, info = AutoModelForMaskedLM.from_pretrained(folder, output_loading_info=True)
    assert not info["missing_keys"]  # the trained head was saved
    assert mlm.get_output_embeddings().weight.data_ptr() == mlm.get_input_embeddings().weight.data_ptr()
    card = json.loads((folder / "xlt_model.json").read_text())
    assert card["base_model"] == str(tiny_model) and card["pooling"] == "mean" and "newly" in card["mlm_head"]
    spec = ModelSpec(name=str(folder))
    assert spec.resolved_prefix() == "" and load_encoder(spec) is not None


def test_xlt_train_accepts_the_pretrained_folder(combined_run, toy_data, tmp_path):
    from xlt.finetune.config import TrainConfig
    from xlt.finetune.train import train

    config = TrainConfig.model_validate({
        "name": "after-pretrain", "output_dir": str(tmp_path), "model": {"name": str(combined_run.model_dir)},
        "data": {"pool": {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en", "de"]},
                 "source_languages": ["en"]},
        "training": {"epochs": 1, "batch_size": 8, "max_steps": 2},
        "evaluation": {"baselines": [], "bootstrap_resamples": 10},
    })
    run = train(config)
    assert (run.root / "metrics.json").is_file()


def test_sampling_temperature_decides_the_language_mix(tmp_path, tiny_model):
    """alpha=1 follows the sizes; alpha=0 is uniform - and the token counts of the run follow."""
    from xlt.pretrain.stream import GroupSampler

    groups = {"big": ["x"] * 90, "small": ["y"] * 10}
    for alpha, expected in ((1.0, 0.9), (0.0, 0.5)):
        sampler = GroupSampler(groups, alpha=alpha, seed=0)
        assert sampler.probabilities["big"] == pytest.approx(expected)
        stream = iter(sampler)
        draws = [next(stream)[0] for _ in range(2000)]
        assert draws.count("big") / len(draws) == pytest.approx(expected, abs=0.04)


def test_resume_continues_from_the_checkpoint(tmp_path, tiny_model, monkeypatch):
    """A run whose checkpoints are kept (as after Ctrl-C) resumes at its step and keeps its token counts."""
    import xlt.pretrain.run as run_module
    from xlt.errors import ConfigError

    config = tiny_config(tmp_path, tiny_model, {"mlm": 1.0}, max_steps=3, save_steps=3, heldout=0)
    with pytest.raises(ConfigError, match="no checkpoint"):
        pretrain(config, resume=True)
    monkeypatch.setattr(run_module.shutil, "rmtree", lambda *a, **k: None)  # keep checkpoint-3
    first = pretrain(config)
    monkeypatch.undo()
    state = json.loads((tmp_path / "runs" / config.name / "checkpoints" / "checkpoint-3" / STATE_FILE).read_text())
    with pytest.raises(ConfigError, match=r"training.learning_rate: 0.001 there, 0.01 now"):
        pretrain(config.with_overrides(["training.max_steps=5", "training.learning_rate=1e-2"]), resume=True)
    resumed = pretrain(config.with_overrides(["training.max_steps=5"]), resume=True)  # a longer run may go on
    assert resumed.report["steps"] == 5 and resumed.report["resumed"]
    for lang, n in first.report["token_counts"].items():
        assert resumed.report["token_counts"][lang] > n  # counting went on from the checkpoint's counts
    assert resumed.report["train_seconds"] >= round(state["train_seconds"], 1)  # time of both segments
