"""Batch prediction sorted by length returns rows in input order, equal to one-by-one passes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from xlt.model.embed import length_sorted_batches
from xlt.model.predict import predict_logits

from tests.finetune.helpers import TEXTS


def one_by_one(model, tokenizer, texts: list[str], pairs: list[str] | None = None, max_length: int = 128):
    rows = []
    with torch.no_grad():
        for i, text in enumerate(texts):
            enc = tokenizer(text, pairs[i] if pairs else None, truncation=True, max_length=max_length,
                            return_tensors="pt")
            rows.append(model(**enc).logits[0].numpy())
    return np.stack(rows)


@pytest.mark.parametrize("batch_size", [1, 2, 4, 64])
def test_rows_in_input_order(make_classifier, tiny_tokenizer, batch_size: int) -> None:
    model = make_classifier()
    lengths = [len(tiny_tokenizer(t)["input_ids"]) for t in TEXTS]
    assert lengths != sorted(lengths) and lengths != sorted(lengths, reverse=True)
    logits = predict_logits(model, tiny_tokenizer, TEXTS, batch_size=batch_size)
    assert logits.shape == (len(TEXTS), 3) and logits.dtype == np.float32
    np.testing.assert_allclose(logits, one_by_one(model, tiny_tokenizer, TEXTS), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("streams", [1, 2, 3])
def test_concurrent_passes_give_the_same_logits_and_restore_threads(make_classifier, tiny_tokenizer,
                                                                     streams: int) -> None:
    model = make_classifier()
    threads = torch.get_num_threads()
    logits = predict_logits(model, tiny_tokenizer, TEXTS, batch_size=1, streams=streams)
    assert torch.get_num_threads() == threads
    np.testing.assert_allclose(logits, one_by_one(model, tiny_tokenizer, TEXTS), atol=1e-5, rtol=1e-5)


def test_threads_restored_when_a_pass_fails(make_classifier, tiny_tokenizer) -> None:
    model = make_classifier()
    threads = torch.get_num_threads()

    def broken(**batch):
        raise RuntimeError("broken pass")

    model.forward = broken
    with pytest.raises(RuntimeError, match="broken pass"):
        predict_logits(model, tiny_tokenizer, TEXTS, batch_size=1, streams=2)
    assert torch.get_num_threads() == threads


def test_pairs_and_truncation(make_classifier, tiny_tokenizer) -> None:
    model = make_classifier()
    pairs = list(reversed(TEXTS))
    logits = predict_logits(model, tiny_tokenizer, TEXTS, pairs, batch_size=2, max_length=9)
    expected = one_by_one(model, tiny_tokenizer, TEXTS, pairs, max_length=9)
    np.testing.assert_allclose(logits, expected, atol=1e-5, rtol=1e-5)
    unpaired = predict_logits(model, tiny_tokenizer, TEXTS, batch_size=2)
    assert not np.allclose(logits, unpaired, atol=1e-4)  # the pairs were used


def test_switches_to_eval_mode(make_classifier, tiny_tokenizer) -> None:
    model = make_classifier().train()
    first = predict_logits(model, tiny_tokenizer, TEXTS)
    assert not model.training
    np.testing.assert_array_equal(first, predict_logits(model, tiny_tokenizer, TEXTS))  # no dropout


def test_empty_input(make_classifier, tiny_tokenizer) -> None:
    logits = predict_logits(make_classifier(), tiny_tokenizer, [])
    assert logits.shape == (0, 3)


@pytest.mark.parametrize("batch_size", [1, 3, 5, 50])
def test_length_sorted_batches_cover_every_index_once(batch_size: int) -> None:
    lengths = np.random.default_rng(0).integers(1, 20, 23).tolist()
    batches = list(length_sorted_batches(lengths, batch_size))
    order = np.concatenate(batches)
    assert sorted(order.tolist()) == list(range(23))
    assert all(1 <= len(b) <= batch_size for b in batches)
    assert all(len(b) == batch_size for b in batches[:-1])
    in_order = [lengths[i] for i in order]
    assert in_order == sorted(lengths, reverse=True)  # longest first
    for a, b in zip(order, order[1:], strict=False):  # ties keep input order (stable)
        if lengths[a] == lengths[b]:
            assert a < b


def test_length_sorted_batches_empty() -> None:
    assert list(length_sorted_batches([], 4)) == []
