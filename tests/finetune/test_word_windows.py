"""Words <-> sub-token windows: one tag per word, long sentences split into windows, not cut."""

from __future__ import annotations

import numpy as np
import pytest
from transformers import AutoTokenizer

from xlt.finetune.word_windows import IGNORE, make_windows, plan_windows, window_labels, words_from_windows


@pytest.fixture(scope="module")
def tokenizer(tiny_model):
    return AutoTokenizer.from_pretrained(tiny_model)


def test_plan_windows_covers_every_word_with_overlap():
    pieces = [1, 3, 2, 1, 1, 4, 1, 1]
    windows = plan_windows(pieces, budget=5, overlap=1)
    covered = {w for start, end in windows for w in range(start, end)}
    assert covered == set(range(len(pieces)))
    for start, end in windows:
        assert sum(min(p, 5) for p in pieces[start:end]) <= 5 or end - start == 1
    for (s1, e1), (s2, _) in zip(windows, windows[1:], strict=False):
        assert s2 < e1 and s2 > s1  # overlapping and always moving forward


def test_a_word_longer_than_the_budget_gets_its_own_window():
    assert plan_windows([1, 10, 1], budget=4, overlap=0) == [(0, 1), (1, 2), (2, 3)]


def test_first_sub_token_carries_the_label(tokenizer):
    words = ["katze", "xyzzyq", "rot"]  # the middle word splits into many pieces
    (window,) = make_windows(tokenizer, [words], prefix="", max_length=64)
    labels = window_labels(window, [5, 6, 7])
    assert [label for label in labels if label != IGNORE] == [5, 6, 7]
    pieces_of_middle = len(tokenizer("xyzzyq", add_special_tokens=False)["input_ids"])
    assert pieces_of_middle > 2
    assert labels.count(IGNORE) == len(labels) - 3  # specials and non-first pieces


def test_prefix_is_in_every_window_and_never_labelled(tokenizer):
    words = ["the", "cat"] * 30
    windows = make_windows(tokenizer, [words], prefix="the", max_length=16)
    assert len(windows) > 3
    prefix_ids = tokenizer(["the"], is_split_into_words=True, add_special_tokens=False)["input_ids"]
    for w in windows:
        assert w.input_ids[1:1 + len(prefix_ids)] == prefix_ids
        assert len(w.input_ids) <= 16
        assert min(w.first_piece.values()) == 1 + len(prefix_ids)


def test_round_trip_one_tag_per_word_for_long_and_heavily_split_sentences(tokenizer):
    rng = np.random.default_rng(0)
    vocab = ["the", "cat", "qwxzv", "haus", "zzzzzzzzzzzz", "rot", "a"]
    sentences = [[vocab[i] for i in rng.integers(0, len(vocab), n)] for n in (1, 5, 40, 200)]
    windows = make_windows(tokenizer, sentences, prefix="", max_length=24, overlap=4)
    # logits that encode, at each word's first piece, the word's own index: the round trip must return them
    logits = []
    for w in windows:
        out = np.zeros((len(w.input_ids), 256))
        for word, position in w.first_piece.items():
            out[position, word % 256] = 1.0
        logits.append(out)
    words = words_from_windows(windows, logits, [len(s) for s in sentences], fallback=-1)
    assert [len(w) for w in words] == [len(s) for s in sentences]
    for sentence in words:
        assert sentence == [i % 256 for i in range(len(sentence))]


def test_words_without_any_sub_token_get_the_fallback(tokenizer):
    sentence = ["cat", "\u200b", "dog"]  # a lone zero-width space has no sub-token
    windows = make_windows(tokenizer, [sentence], prefix="", max_length=32)
    logits = [np.ones((len(w.input_ids), 3)) * [0, 1, 0] for w in windows]
    (tags,) = words_from_windows(windows, logits, [3], fallback=2)
    assert len(tags) == 3
    if 1 not in windows[0].first_piece:
        assert tags[1] == 2


def test_a_bare_word_start_piece_does_not_carry_the_label(builtin_model):
    """XLM-R writes many Chinese words as '▁' + characters; the label goes on the first real piece."""
    tokenizer = AutoTokenizer.from_pretrained(builtin_model)
    words = ["雖然", "美國", "的", "Hello"]
    (window,) = make_windows(tokenizer, [words], prefix="query:", max_length=64)
    tokens = tokenizer.convert_ids_to_tokens(window.input_ids)
    labelled = [tokens[p] for p in window.first_piece.values()]
    assert "▁" not in labelled
    assert len(labelled) == len(words)
