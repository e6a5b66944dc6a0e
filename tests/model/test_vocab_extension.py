"""Vocabulary extension on the tiny model: new pieces resolve, old ids and embeddings stay, inits are right."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from transformers import AutoModel, AutoTokenizer

from xlt.errors import ConfigError
from xlt.model.vocab_extension import REPORT_FILE, extend_vocabulary, sparsemax

CORPUS = ["katzenhaus und hundehaus", "das katzenhaus ist rot", "wasserhaus am baum", "hundehaus im wasser",
          "das rote katzenhaus und das blaue hundehaus", "katzenbaum wasserbaum hundebaum"] * 20


def test_sparsemax_is_a_sparse_distribution():
    w = sparsemax(np.array([0.9, 0.85, 0.1, -0.3]))
    assert w.sum() == pytest.approx(1.0) and (w >= 0).all() and w[2] == 0 and w[3] == 0
    assert sparsemax(np.array([0.2, 0.2])).tolist() == [0.5, 0.5]


@pytest.fixture(scope="module")
def extended(tiny_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("ext") / "mean"
    report = extend_vocabulary(str(tiny_model), CORPUS, out, new_tokens=5, init="mean", lang="de",
                               learn_vocab_size=60, heldout=["das katzenhaus"])
    return out, report


def test_new_pieces_resolve_and_old_ids_stay(tiny_model, extended):
    out, report = extended
    old, new = AutoTokenizer.from_pretrained(tiny_model), AutoTokenizer.from_pretrained(out)
    assert len(new) == len(old) + len(report.added) and 1 <= len(report.added) <= 5
    assert old.get_vocab().items() <= new.get_vocab().items()  # every old piece keeps its id
    for i, piece in report.added.items():
        assert i >= len(old) and new.convert_tokens_to_ids(piece) == i
        assert piece not in old.get_vocab()
    # the new pieces are used in ordinary segmentation of the corpus, and it gets shorter
    ids = new("das katzenhaus und hundehaus", add_special_tokens=False)["input_ids"]
    assert any(i in report.added for i in ids)
    assert new.decode(ids) == "das katzenhaus und hundehaus"
    before, after = report.fertility["corpus"]["before"], report.fertility["corpus"]["after"]
    assert after["subtokens_per_word"] < before["subtokens_per_word"]
    assert "heldout" in report.fertility and json.loads((out / REPORT_FILE).read_text())["added"] == len(report.added)


def test_old_embeddings_unchanged_and_mean_init(tiny_model, extended):
    out, report = extended
    old_model, new_model = AutoModel.from_pretrained(tiny_model), AutoModel.from_pretrained(out)
    old_w = old_model.get_input_embeddings().weight
    new_w = new_model.get_input_embeddings().weight
    assert new_w.shape[0] == old_w.shape[0] + len(report.added)
    assert torch.equal(new_w[:old_w.shape[0]], old_w)
    old_tok = AutoTokenizer.from_pretrained(tiny_model)
    for i, piece in report.added.items():
        old_ids = [t.id for t in old_tok.backend_tokenizer.model.tokenize(piece)]
        assert [old_tok.convert_ids_to_tokens(t) for t in old_ids] == report.old_pieces[piece]
        assert torch.allclose(new_w[i], old_w[old_ids].mean(dim=0), atol=1e-6)
    # loads as xlt's model too, with the base model's card (prefix, pooling)
    from xlt.model.spec import ModelSpec

    assert ModelSpec(name=str(out)).resolved_pooling() == "mean"


def test_focus_init_is_a_convex_mix_of_old_embeddings(tiny_model, tmp_path):
    report = extend_vocabulary(str(tiny_model), CORPUS, tmp_path / "focus", new_tokens=5, init="focus",
                               learn_vocab_size=60, min_count=2, aux_dim=8)
    old_w = AutoModel.from_pretrained(tiny_model).get_input_embeddings().weight.detach().numpy()
    new_w = AutoModel.from_pretrained(tmp_path / "focus").get_input_embeddings().weight.detach().numpy()
    assert np.array_equal(new_w[:len(old_w)], old_w)
    mixed = len(report.added) - report.mean_fallback
    assert mixed >= 1
    lo, hi = old_w.min(axis=0), old_w.max(axis=0)  # a convex combination stays inside the old box
    for i in report.added:
        assert (new_w[i] >= lo - 1e-5).all() and (new_w[i] <= hi + 1e-5).all()


def test_bad_arguments(tiny_model, tmp_path):
    with pytest.raises(ConfigError, match="init"):
        extend_vocabulary(str(tiny_model), CORPUS, tmp_path / "x", new_tokens=3, init="random")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="no text"):
        extend_vocabulary(str(tiny_model), ["", " "], tmp_path / "x", new_tokens=3)


def test_cli_extend_vocab(tiny_model, tmp_path):
    from typer.testing import CliRunner

    from xlt.cli.main import app

    corpus = tmp_path / "de.txt"
    corpus.write_text("\n".join(CORPUS) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["models", "extend-vocab", str(tiny_model), "--corpus", str(corpus), "--lang",
                                      "de", "--new-tokens", "3", "--learn-vocab-size", "60", "--out",
                                      str(tmp_path / "ext")])
    assert result.exit_code == 0, result.output
    assert "sub-tokens/word" in result.output and (tmp_path / "ext" / "tokenizer.json").is_file()
    result = CliRunner().invoke(app, ["models", "extend-vocab", str(tiny_model), "--corpus", str(tmp_path / "no.txt"),
                                      "--lang", "de", "--out", str(tmp_path / "ext2")])
    assert result.exit_code == 2 and "file not found" in result.output
