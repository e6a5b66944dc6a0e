"""The table of pretrained vectors: keys, one encoder pass per new text, sealing, missing keys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from xlt.errors import XltError
from xlt.finetune import frozen_features
from xlt.finetune.frozen_features import FrozenFeatures
from xlt.model.embed import embed_texts
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.model.spec import ModelSpec


@pytest.fixture
def features(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[FrozenFeatures, list]:
    """A FrozenFeatures on the tiny model with prefix "le "; the list records every encoder call."""
    spec = ModelSpec(name=str(tiny_model), prefix="le ")
    calls: list[tuple[list[str], list[str] | None]] = []

    def recording_embed(encoder, tokenizer, texts, *, text_pairs=None, **kwargs):
        calls.append((list(texts), None if text_pairs is None else list(text_pairs)))
        return embed_texts(encoder, tokenizer, texts, text_pairs=text_pairs, **kwargs)

    monkeypatch.setattr(frozen_features, "embed_texts", recording_embed)
    return FrozenFeatures(load_encoder(spec), load_tokenizer(spec), spec, batch_size=2), calls


def test_keys() -> None:
    assert FrozenFeatures.key("the cat", None) == "the cat"
    assert FrozenFeatures.key("the cat", "le chat") == "the cat\x1fle chat"
    assert FrozenFeatures.key("the cat\nle chat", None) != FrozenFeatures.key("the cat", "le chat")


def test_add_embeds_prefixed_texts(features) -> None:
    table, calls = features
    table.add(["chat", "the big dog"])
    assert calls == [(["le chat", "le the big dog"], None)]
    expected = embed_texts(table.encoder, table.tokenizer, ["le chat", "le the big dog"])
    np.testing.assert_allclose(table(["the big dog", "chat"]), expected[::-1], atol=1e-6)


def test_add_skips_known_texts(features) -> None:
    table, calls = features
    table.add(["chat", "dog"])
    first = table(["chat"]).copy()
    table.add(["dog", "sun", "sun", "chat"])
    assert calls == [(["le chat", "le dog"], None), (["le sun"], None)]  # only the new text, once
    table.add(["chat", "sun"])
    assert len(calls) == 2  # nothing new: no encoder pass at all
    assert set(table.table) == {"chat", "dog", "sun"}
    np.testing.assert_array_equal(table(["chat"]), first)


def test_pairs(features) -> None:
    table, calls = features
    table.add(["chat", "dog"], ["the cat", "the dog"])
    table.add(["chat"], ["the cat"])
    assert calls == [(["le chat", "le dog"], ["the cat", "the dog"])]  # the prefix goes on the first text only
    assert set(table.table) == {"chat\x1fthe cat", "dog\x1fthe dog"}
    expected = embed_texts(table.encoder, table.tokenizer, ["le chat"], text_pairs=["the cat"])
    np.testing.assert_allclose(table([FrozenFeatures.key("chat", "the cat")]), expected, atol=1e-6)
    with pytest.raises(XltError, match="1 texts have no pretrained vector, e.g. 'chat'"):
        table(["chat"])  # the text alone is another key than the pair


def test_sealed_table_refuses_new_texts(features) -> None:
    table, calls = features
    table.add(["chat"])
    table.seal()
    with pytest.raises(XltError, match="sealed"):
        table.add(["dog"])
    with pytest.raises(XltError, match="sealed"):
        table.add(["chat"])
    assert table(["chat"]).shape == (1, 32)  # reading still works
    assert len(calls) == 1


def test_unknown_key(features) -> None:
    table, _ = features
    table.add(["chat"])
    with pytest.raises(XltError, match="2 texts have no pretrained vector, e.g. 'dog'"):
        table(["chat", "dog", "sun"])
