"""Model facts and per-language tokenizer statistics."""

from __future__ import annotations

from pathlib import Path

from datasets import Dataset

from xlt.model.info import model_info, tokenizer_stats
from xlt.model.spec import ModelSpec


def char_tokens(text: str) -> list[int]:
    """One token per non-space character; '?' is the unknown token (id 0)."""
    return [0 if ch == "?" else 1 for ch in text.replace(" ", "")]


def test_tokenizer_stats_exact() -> None:
    stats = tokenizer_stats(["ab c?", "xyz"], tokenize=char_tokens, unk_id=0, max_length=6)
    # 7 tokens, 3 words, 7 characters, 1 unknown; lengths 4 and 3 (+2 specials) fit in 6
    assert stats == {"texts": 2, "subtokens_per_word": 2.333, "subtokens_per_char": 1.0, "unk_rate": 0.14286,
                     "truncated_share": 0.0}
    with_prefix = tokenizer_stats(["ab c?", "xyz"], tokenize=char_tokens, unk_id=0, max_length=6, prefix_tokens=1)
    assert with_prefix["truncated_share"] == 0.5  # 4 + 1 + 2 > 6


def test_tokenizer_stats_words_and_empty() -> None:
    stats = tokenizer_stats(["one two three four"], tokenize=str.split, unk_id="?", max_length=4)
    assert stats["subtokens_per_word"] == 1.0 and stats["subtokens_per_char"] == round(4 / 15, 3)
    assert stats["unk_rate"] == 0.0 and stats["truncated_share"] == 1.0
    empty = tokenizer_stats([], tokenize=str.split, unk_id=0, max_length=8)
    assert empty == {"texts": 0, "subtokens_per_word": 0.0, "subtokens_per_char": 0.0, "unk_rate": 0.0,
                     "truncated_share": 0.0}


def test_model_info_on_the_tiny_model(tiny_model: Path) -> None:
    from transformers import AutoModel

    data = Dataset.from_dict({
        "lang": ["en", "en", "de", "fr"],
        "text": ["the cat", "the big red dog", "der hund ß", "le chat"],
    })
    spec = ModelSpec(name=str(tiny_model), max_length=5)
    info = model_info(spec, data)

    encoder = AutoModel.from_pretrained(tiny_model, add_pooling_layer=False)
    expected_params = sum(p.numel() for p in encoder.parameters())
    assert info["parameters"] == expected_params
    assert info["architecture"] == "BertModel"
    assert (info["layers"], info["hidden_size"], info["max_positions"]) == (2, 32, 64)
    assert info["vocabulary"] == 97 and info["max_length"] == 5
    assert info["prefix"] == "" and info["pooling"] == "mean"
    assert set(info["languages"]) == {"en", "de", "fr"}
    en = info["languages"]["en"]
    # whole words are single pieces: 6 tokens for 6 words and 18 letters; "the big red dog" (4 + 2 > 5) is cut
    assert en == {"texts": 2, "subtokens_per_word": 1.0, "subtokens_per_char": 0.333, "unk_rate": 0.0,
                  "truncated_share": 0.5}
    assert info["languages"]["de"]["unk_rate"] > 0  # ß is not in the tiny vocabulary
    assert info["languages"]["fr"]["texts"] == 1


def test_model_info_without_data(tiny_model: Path) -> None:
    info = model_info(ModelSpec(name=str(tiny_model)))
    assert "languages" not in info
    assert info["model"] == str(tiny_model)


def test_prefix_counts_towards_truncation(tiny_model: Path) -> None:
    data = Dataset.from_dict({"lang": ["en"], "text": ["the big cat"]})
    without = model_info(ModelSpec(name=str(tiny_model), max_length=5), data)["languages"]["en"]
    with_prefix = model_info(ModelSpec(name=str(tiny_model), max_length=5, prefix="le "), data)["languages"]["en"]
    assert without["truncated_share"] == 0.0 and with_prefix["truncated_share"] == 1.0
