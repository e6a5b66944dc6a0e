"""Inference precision of a saved model: ``load_saved(dtype=...)`` and ``xlt evaluate --dtype`` on the CPU."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from xlt.cli.main import app
from xlt.finetune.load import load_saved
from xlt.model.predict import predict_logits

TEXTS = ["red cat", "blue house", "rot haus", "a dog"]


def _logits(saved) -> np.ndarray:
    return predict_logits(saved.model, saved.tokenizer, saved.spec.apply_prefix(TEXTS), progress=False)


def test_auto_is_float32_on_the_cpu(tiny_run: Path) -> None:
    saved = load_saved(tiny_run / "model", "cpu", "auto")
    assert {p.dtype for p in saved.model.parameters()} == {torch.float32}
    np.testing.assert_array_equal(_logits(saved), _logits(load_saved(tiny_run / "model", "cpu", "float32")))


def test_bfloat16_weights_give_float32_logits_close_to_float32(tiny_run: Path) -> None:
    saved = load_saved(tiny_run / "model", "cpu", "bfloat16")
    assert {p.dtype for p in saved.model.parameters()} == {torch.bfloat16}
    logits = _logits(saved)
    assert logits.dtype == np.float32
    np.testing.assert_allclose(logits, _logits(load_saved(tiny_run / "model")), atol=0.1)


def test_evaluate_takes_dtype_and_scores_alike_on_the_cpu(tiny_run: Path, toy_jsonl: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    scores = []
    for dtype in ("auto", "float32"):
        result = runner.invoke(app, ["evaluate", str(tiny_run), "--data", f"jsonl:{toy_jsonl}/{{lang}}.jsonl",
                                     "-l", "de", "--device", "cpu", "--dtype", dtype, "-o", str(tmp_path / dtype)])
        assert result.exit_code == 0, result.output
        scores.append(json.loads((tmp_path / dtype / "metrics.json").read_text())["systems"]["xlt"])
    assert scores[0] == scores[1]
    result = runner.invoke(app, ["evaluate", str(tiny_run), "--data", f"jsonl:{toy_jsonl}/{{lang}}.jsonl",
                                 "--dtype", "fp8"])
    assert result.exit_code == 2 and "not a dtype" in result.output
    panel = runner.invoke(app, ["evaluate", "--help"]).output  # rich wraps the help inside a box
    help_text = " ".join(re.sub("[│╭╮╰╯─]", " ", panel).split())
    assert "bfloat16 on a CUDA GPU" in help_text


@pytest.mark.parametrize("dtype", ["auto", "float32"])
def test_retrieval_vectors_are_float32(tiny_model: Path, dtype: str) -> None:
    from xlt.evaluate.retrieval import load_model
    from xlt.model.embed import embed_texts

    encoder, tokenizer, _ = load_model(str(tiny_model), device="cpu", dtype=dtype)
    assert encoder.dtype == torch.float32
    assert embed_texts(encoder, tokenizer, TEXTS).dtype == np.float32


def test_retrieval_keeps_a_spec_dtype_unless_one_is_named(tiny_model: Path) -> None:
    from xlt.evaluate.retrieval import load_model
    from xlt.model.embed import embed_texts
    from xlt.model.spec import ModelSpec

    spec = ModelSpec(name=str(tiny_model), dtype="bfloat16")
    encoder, tokenizer, _ = load_model(spec, device="cpu")
    assert encoder.dtype == torch.bfloat16
    vectors = embed_texts(encoder, tokenizer, TEXTS)
    assert vectors.dtype == np.float32
    reference = embed_texts(*load_model(str(tiny_model), device="cpu")[:2], TEXTS)
    np.testing.assert_allclose(vectors, reference, atol=0.1)
    assert load_model(spec, device="cpu", dtype="float32")[0].dtype == torch.float32
