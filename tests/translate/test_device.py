"""Where the hf: translator runs: the ``device`` option of the Python API and ``xlt translate --device``."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from xlt.cli.main import app
from xlt.errors import ConfigError
from xlt.translate import HFTranslator, TranslationCache, get_translator, translate_texts

from tests.finetune.tiny_marian import build_tiny_marian

TEXTS = ["the red house", "a blue car is here", "green", "the small yellow bird sings"]


@pytest.fixture(scope="module")
def marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = [f"{a} {b} {c}" for a in ("the", "a", "one") for b in ("red", "blue", "green", "yellow")
              for c in ("house", "car", "bird", "tree", "is here", "sings")]
    path = build_tiny_marian(tmp_path_factory.mktemp("marian"), corpus * 4, vocab_size=24, d_model=32)
    from transformers import MarianConfig, MarianMTModel

    config = MarianConfig.from_pretrained(path)
    config.max_position_embeddings = 300  # random weights never stop early: room for the CLI's 256 new tokens
    torch.manual_seed(0)
    MarianMTModel(config).save_pretrained(path)
    return path


def test_the_model_loads_on_the_device_and_translates_alike(marian: Path, tmp_path: Path) -> None:
    cpu = HFTranslator(str(marian), device="cpu", num_beams=2, max_new_tokens=8)
    auto = HFTranslator(str(marian), num_beams=2, max_new_tokens=8)  # auto: the CPU on this machine
    assert next(cpu._load()[0].parameters()).device == torch.device("cpu")
    assert cpu.cache_key == auto.cache_key  # the device does not change what is cached
    out = translate_texts(cpu, TEXTS, cache=TranslationCache(tmp_path / "a.sqlite"), progress=False)
    assert out == translate_texts(auto, TEXTS, cache=TranslationCache(tmp_path / "b.sqlite"), progress=False)


def test_device_goes_to_model_backends_only() -> None:
    assert get_translator("hf:some/model", device="cpu").device == torch.device("cpu")
    assert get_translator({"name": "hf:some/model", "device": "cpu"}, device="auto").device == torch.device("cpu")
    assert not hasattr(get_translator("apertium:eng-spa", device="cpu"), "device")


def test_a_missing_gpu_fails_before_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ConfigError, match="--device cuda: this torch sees no CUDA GPU"):
        HFTranslator("no/such-model", device="cuda")


def test_cli_translate_takes_device(marian: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "in.txt"
    source.write_text("\n".join(TEXTS) + "\n")
    runner = CliRunner()
    outs = []
    for device in ("cpu", "auto"):
        monkeypatch.setenv("XLT_HOME", str(tmp_path / device))  # a cache each: both really translate
        out = tmp_path / f"{device}.txt"
        result = runner.invoke(app, ["translate", str(source), "-t", f"hf:{marian}", "-o", str(out),
                                     "--device", device])
        assert result.exit_code == 0, result.output
        outs.append(out.read_text().splitlines())
    assert outs[0] == outs[1] and len(outs[0]) == len(TEXTS)
    help_text = runner.invoke(app, ["translate", "--help"]).output
    assert "--device" in help_text and "cuda:N" in help_text
