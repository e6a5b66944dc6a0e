"""Layer dropping's distillation runs on ``device`` and hands the models back where they were."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from xlt.deploy.drop_layers import distill, drop_top_layers
from xlt.errors import ConfigError
from xlt.finetune.load import load_saved

TEXTS = ["red cat", "blue house", "rot haus", "a dog", "bleu chat", "the sun"]


def _distilled(tiny_run: Path, device: str):
    saved = load_saved(tiny_run / "model")
    student = drop_top_layers(saved.model, 1)
    stats = distill(student, saved.model, saved.tokenizer, TEXTS, [0, 1, 0, 1, 0, 1], epochs=2, batch_size=4,
                    max_length=16, device=device)
    return student, saved.model, stats


def test_cpu_and_auto_distil_alike_and_the_models_come_back(tiny_run: Path) -> None:
    cpu_student, teacher, cpu = _distilled(tiny_run, "cpu")
    auto_student, _, auto = _distilled(tiny_run, "auto")
    assert {p.device for m in (cpu_student, teacher, auto_student) for p in m.parameters()} == {torch.device("cpu")}
    assert (cpu["first_loss"], cpu["last_loss"]) == (auto["first_loss"], auto["last_loss"])
    assert all(torch.equal(a, b) for a, b in zip(cpu_student.state_dict().values(),
                                                 auto_student.state_dict().values(), strict=True))


def test_a_missing_gpu_fails_before_training(tiny_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ConfigError, match="this torch sees no CUDA GPU"):
        _distilled(tiny_run, "cuda")


def test_export_help_names_the_device() -> None:
    from xlt.cli.main import app

    output = CliRunner().invoke(app, ["export", "--help"]).output
    assert "--device" in output and "distils" in output
