"""ModelSpec (prefix and pooling resolution) and the loader's errors for models that are not there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from xlt.errors import ModelError
from xlt.model.card import ModelCard
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.model.spec import ModelSpec


@pytest.fixture
def card_folder(tmp_path: Path) -> Path:
    (tmp_path / "xlt_model.json").write_text(json.dumps({"prefix": "passage: ", "pooling": "cls"}))
    return tmp_path


def test_builtin_prefix() -> None:
    spec = ModelSpec()
    assert spec.is_builtin
    assert spec.resolved_prefix() == "query: " and spec.resolved_pooling() == "mean"
    assert ModelSpec(name="builtin:multilingual-e5-small").apply_prefix(["a", "b"]) == ["query: a", "query: b"]


def test_folder_with_a_card(card_folder: Path) -> None:
    spec = ModelSpec(name=str(card_folder))
    assert not spec.is_builtin
    assert spec.resolved_prefix() == "passage: " and spec.resolved_pooling() == "cls"
    assert spec.apply_prefix(["x"]) == ["passage: x"]


def test_hub_id_and_folder_without_card(tmp_path: Path) -> None:
    for name in ("intfloat/multilingual-e5-small", str(tmp_path)):
        spec = ModelSpec(name=name)
        assert spec.card() == ModelCard()
        assert spec.resolved_prefix() == "" and spec.resolved_pooling() == "mean"
        texts = ["a", "b"]
        out = spec.apply_prefix(texts)
        assert out == texts and out is not texts  # a copy, never the caller's list


def test_explicit_settings_win(card_folder: Path) -> None:
    assert ModelSpec(name=str(card_folder), prefix="").resolved_prefix() == ""  # "" is a choice, not "unset"
    assert ModelSpec(prefix="q: ").apply_prefix(["a"]) == ["q: a"]
    assert ModelSpec(name=str(card_folder), pooling="mean").resolved_pooling() == "mean"


def test_spec_rejects_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        ModelSpec(name="x", prefx="query: ")


def test_unknown_builtin_prefix_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="unknown built-in model"):
        ModelSpec(name="builtin:nope").resolved_prefix()


@pytest.mark.parametrize("load", [load_tokenizer, load_encoder])
def test_hub_id_offline_says_what_to_do(load) -> None:
    with pytest.raises(ModelError) as err:
        load(ModelSpec(name="someone/missing-model"))
    message = str(err.value)
    assert "'someone/missing-model'" in message
    assert "not a local folder" in message
    assert "HF_HUB_OFFLINE=1" in message
    assert "--local-dir" in message and "builtin:multilingual-e5-small" in message


def test_missing_local_path(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such-model"
    with pytest.raises(ModelError, match="not a local folder"):
        load_tokenizer(ModelSpec(name=str(missing)))


def test_folder_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    with pytest.raises(ModelError, match=f"cannot load model folder {tmp_path}"):
        load_encoder(ModelSpec(name=str(tmp_path)))


def test_load_tiny_model(tiny_model: Path) -> None:
    spec = ModelSpec(name=str(tiny_model), max_length=16)
    tokenizer = load_tokenizer(spec)
    assert tokenizer.model_max_length == 16  # the spec caps the tokenizer's own 64
    assert load_tokenizer(ModelSpec(name=str(tiny_model), max_length=512)).model_max_length == 64
    encoder = load_encoder(spec)
    assert type(encoder).__name__ == "BertModel"
    assert encoder.pooler is None  # no random pooler for a sentence encoder
