"""``training.device`` / ``xlt pretrain --device``: every loop of a run (Trainer, head warm-up, held-out loss,
teacher, language adapters) trains where it says; on this CPU machine ``cpu`` and ``auto`` train alike."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from xlt.errors import ConfigError
from xlt.pretrain import pretrain
from xlt.pretrain.language_adapter import train_language_adapter
from xlt.training_args import on_device

from tests.pretrain.helpers import MONO
from tests.pretrain.test_run import tiny_config


def test_cpu_and_auto_train_alike(tmp_path: Path, tiny_model: Path) -> None:
    reports = []
    for device in ("cpu", "auto"):
        (tmp_path / device).mkdir()
        config = tiny_config(tmp_path / device, tiny_model, {"mlm": 1.0, "distill": 1.0}, max_steps=2,
                             head_warmup_steps=2, device=device)
        reports.append(pretrain(config).report)
    cpu, auto = reports
    assert cpu["loss_history"] == auto["loss_history"] and cpu["heldout_mlm_loss"] == auto["heldout_mlm_loss"]


def test_a_missing_gpu_fails_before_anything_is_read(tmp_path: Path, tiny_model: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    config = tiny_config(tmp_path, tiny_model, {"mlm": 1.0}, device="cuda")
    with pytest.raises(ConfigError, match="--device cuda: this torch sees no CUDA GPU"):
        pretrain(config, data={"mlm": {"xx": ["never read"]}})


def test_trainer_arguments_follow_the_device(monkeypatch: pytest.MonkeyPatch) -> None:
    assert on_device(torch.device("cpu")) == {"use_cpu": True, "bf16": False}
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert on_device(torch.device("cuda")) == {"use_cpu": False, "bf16": True}
    assert on_device(torch.device("cuda:0"))["bf16"]
    with pytest.raises(ConfigError, match="CUDA_VISIBLE_DEVICES=1 and device cuda"):
        on_device(torch.device("cuda:1"))


def test_language_adapter_trains_alike_on_cpu_and_auto(tmp_path: Path, tiny_model: Path) -> None:
    from safetensors.torch import load_file

    weights = []
    for device in ("cpu", "auto"):
        folder = train_language_adapter(str(tiny_model), MONO["de"], "de", tmp_path / device, max_steps=3,
                                        batch_size=4, max_length=32, device=device)
        weights.append(load_file(str(folder / "adapter.safetensors")))
    assert weights[0].keys() == weights[1].keys()
    assert all(torch.equal(weights[0][k], weights[1][k]) for k in weights[0])


def test_cli_device_option(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xlt.cli.main import app

    runner = CliRunner()
    assert "cuda:N" in runner.invoke(app, ["pretrain", "--help"]).output
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    config = tmp_path / "c.yaml"
    config.write_text(tiny_config(tmp_path, tiny_model, {"mlm": 1.0}).to_yaml())
    result = runner.invoke(app, ["pretrain", str(config), "--device", "cuda"])
    assert result.exit_code == 2 and "this torch sees no CUDA GPU" in result.output
