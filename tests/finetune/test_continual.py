"""Continual learning: the forgetting metric on hand-made cases, the penalties, and a tiny run end to end."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from xlt.errors import ConfigError
from xlt.finetune.continual import forgetting, gain
from xlt.finetune.continual.penalties import EWC, L2SP

from .test_train import toy_config


def test_forgetting_and_gain_on_a_hand_made_case() -> None:
    before = {"en": 0.90, "de": 0.70, "ja": 0.40}
    after = {"en": 0.85, "de": 0.75, "ja": 0.80}
    assert forgetting(before, after, ["en", "de"]) == {"en": 0.05, "de": -0.05}  # de improved: negative
    assert gain(before, after, ["ja"]) == {"ja": 0.4}
    assert forgetting(before, before, ["en"]) == {"en": 0.0}
    with pytest.raises(ConfigError, match="no score before and after for \\['fr'\\]"):
        forgetting(before, after, ["fr"])


def test_l2sp_is_half_the_squared_distance_to_the_start() -> None:
    model = nn.Linear(2, 1)
    penalty = L2SP(model, weight=4.0)
    assert float(penalty(model)) == 0.0
    with torch.no_grad():
        model.weight += torch.tensor([[1.0, 2.0]])
    assert float(penalty(model)) == pytest.approx(0.5 * 4.0 * (1 + 4))


def test_ewc_weights_by_fisher_normalised_to_mean_one() -> None:
    class Toy(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Parameter(torch.tensor(1.0)), nn.Parameter(torch.tensor(1.0))

        def forward(self, x):
            return type("Out", (), {"loss": 3 * self.a * x + 0 * self.b})()

    model = Toy()
    ewc = EWC(model, 1.0, [{"x": torch.tensor(1.0)}, {"x": torch.tensor(-1.0)}])
    assert float(ewc.fisher["a"]) == pytest.approx(2.0) and float(ewc.fisher["b"]) == 0.0  # mean of (9, 0) -> 1
    with torch.no_grad():
        model.a += 1.0
        model.b += 1.0
    assert float(ewc(model)) == pytest.approx(0.5 * 2.0)  # only a, which mattered for the old data, is held


def test_continual_run_reports_gain_and_forgetting(tiny_model, toy_data, tmp_path) -> None:
    from xlt.finetune.continual.run import ContinualConfig, run_continual
    from xlt.finetune.train import train

    base = train(toy_config(tiny_model, toy_data, tmp_path, evaluation={"baselines": []},
                            training={"epochs": 1, "batch_size": 4, "learning_rate": 1e-3}))
    config = ContinualConfig.model_validate({
        "name": "cont", "base_run": str(base.root), "output_dir": str(tmp_path / "runs"),
        "data": {"pool": {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en", "de", "fr"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25, "seed": 0}, "source_languages": ["de"]},
        "training": {"epochs": 2, "batch_size": 4, "learning_rate": 5e-3, "bootstrap_resamples": 20},
        "mitigations": [{"name": "none"}, {"name": "replay"}, {"name": "l2sp", "weight": 10},
                        {"name": "ewc", "fisher_examples": 4}, {"name": "adapter", "reduction_factor": 4}]})
    report = run_continual(config)
    assert report["old_languages"] == ["en"] and report["new_languages"] == ["de"]
    assert set(report["summary"]) == {"none", "replay 0.5", "l2sp 10", "ewc 1", "adapter"}
    before = report["scores"]["before"]
    for system, summary in report["summary"].items():
        after = report["scores"][system]
        assert summary["forgetting"]["en"] == pytest.approx(before["en"] - after["en"])
        assert summary["gain"]["de"] == pytest.approx(after["de"] - before["de"])
    assert report["summary"]["adapter"]["forgetting"]["en"] == 0.0  # old languages bypass the new adapter
    assert report["summary"]["replay 0.5"]["train_rows"] > report["summary"]["none"]["train_rows"]
    saved = json.loads((tmp_path / "runs" / "cont" / "continual.json").read_text())
    assert saved["summary"] == report["summary"]
    assert "forgetting en" in (tmp_path / "runs" / "cont" / "report.md").read_text()


def test_a_new_label_set_is_refused(tiny_model, toy_data, tmp_path) -> None:
    from xlt.finetune.continual.run import ContinualConfig, run_continual
    from xlt.finetune.train import train

    base = train(toy_config(tiny_model, toy_data, tmp_path, evaluation={"baselines": []},
                            training={"epochs": 1, "batch_size": 4, "max_steps": 1}))
    rows = [{"id": f"n{i}", "text": "rot haus", "label": "other" if i % 2 else "colour"} for i in range(40)]
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "de.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = ContinualConfig.model_validate({
        "name": "cont", "base_run": str(base.root), "output_dir": str(tmp_path / "runs"),
        "data": {"pool": {"format": "jsonl", "path": str(tmp_path / "new" / "{lang}.jsonl"), "languages": ["de"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25}, "source_languages": ["de"]}})
    with pytest.raises(ConfigError, match="labels the base run lacks \\['other'\\]"):
        run_continual(config)
