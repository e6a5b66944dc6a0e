"""Each objective's loss falls when the tiny model trains on one fixed batch; batches are well formed."""

from __future__ import annotations

import copy

import pytest
import torch

from xlt.pretrain.objectives import OBJECTIVES

from tests.pretrain.helpers import MONO, PAIRS


def _fixed_batch(name: str):
    if OBJECTIVES[name].kind == "mono":
        return [(lang, text) for lang, texts in MONO.items() for text in texts[:4]]
    return [(group, pair) for group, pairs in PAIRS.items() for pair in pairs]


def _train_on(objective, model, batch, steps: int = 25, lr: float = 3e-3) -> list[float]:
    batch = {k: v for k, v in batch.items() if k != "token_counts"}
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        loss = objective.loss(model, batch)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(float(loss.detach()))
    return losses


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
def test_loss_decreases_on_a_fixed_batch(name, tiny_mlm, make_ctx):
    model, _ = tiny_mlm
    torch.manual_seed(0)
    ctx = make_ctx(teacher=copy.deepcopy(model.base_model).eval().requires_grad_(False))
    objective = OBJECTIVES[name](ctx)
    batch = objective.collate(_fixed_batch(name))
    losses = _train_on(objective, model, batch)
    assert all(torch.isfinite(torch.tensor(losses)))
    assert losses[-1] < 0.7 * losses[0], f"{name}: {losses[0]:.4f} -> {losses[-1]:.4f}"


def test_mlm_batch_masks_and_counts_tokens(make_ctx):
    objective = OBJECTIVES["mlm"](make_ctx())
    examples = _fixed_batch("mlm")
    batch = objective.collate(examples)
    masked = batch["labels"] != -100
    assert masked.any() and (batch["attention_mask"][masked] == 1).all()
    assert set(batch["token_counts"]) == {"en", "de", "fr"}
    assert sum(batch["token_counts"].values()) == int(batch["attention_mask"].sum()) - 2 * len(examples)  # no <s> </s>


def test_tlm_puts_both_sides_in_one_sequence_and_counts_each_language(make_ctx, tiny_tokenizer):
    objective = OBJECTIVES["tlm"](make_ctx())
    examples = [("de-en", ("katze rot", "cat red"))]
    batch = objective.collate(examples)
    eos = tiny_tokenizer.eos_token_id
    assert int((batch["input_ids"][0] == eos).sum()) >= 2  # <s> src </s></s> tgt </s>
    counts = batch["token_counts"]
    assert counts["de"] > 0 and counts["en"] > 0
    specials = int((batch["input_ids"] == eos).sum()) + 1  # </s> x3 and <s>
    assert counts["de"] + counts["en"] == int(batch["attention_mask"].sum()) - specials


def test_alignment_margin_raises_the_loss_of_a_perfect_match():
    from xlt.pretrain.objectives.alignment import bidirectional_ranking_loss

    v = torch.nn.functional.normalize(torch.randn(4, 8), dim=-1)
    plain = bidirectional_ranking_loss(v, v, temperature=0.1, margin=0.0)
    margin = bidirectional_ranking_loss(v, v, temperature=0.1, margin=0.3)
    assert margin > plain
    shuffled = bidirectional_ranking_loss(v, v.flip(0), temperature=0.1, margin=0.0)
    assert shuffled > plain


def test_distillation_starts_at_zero_on_the_source_side(tiny_mlm, make_ctx):
    model, _ = tiny_mlm
    ctx = make_ctx(teacher=copy.deepcopy(model.base_model).eval())
    objective = OBJECTIVES["distill"](ctx)
    batch = objective.collate([("de-en", ("katze", "katze"))])  # same text both sides: student == teacher
    model.eval()
    assert float(objective.loss(model, batch)) == pytest.approx(0.0, abs=1e-10)


def test_unknown_option_is_a_clear_error(make_ctx):
    from xlt.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown options.*known: \\['margin', 'temperature'\\]"):
        OBJECTIVES["alignment"](make_ctx(), {"temprature": 0.1})
