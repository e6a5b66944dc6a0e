"""xlt export: ONNX, int8, TorchScript and dropped-layer variants of a tiny run, and how they are scored."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import numpy as np
import pytest
import torch

from xlt.deploy.export import export_variant
from xlt.errors import ConfigError, ModelError
from xlt.finetune.load import load_saved
from xlt.model.predict import predict_logits
from xlt.model.variant import read_variant

TEXTS = ["red cat", "la maison bleu", "der hund", "blau", "the big red dog in the house"]


def logits(path: Path) -> np.ndarray:
    saved = load_saved(path)
    return predict_logits(saved.model, saved.tokenizer, saved.spec.apply_prefix(TEXTS), batch_size=2)


@pytest.fixture(scope="module")
def exported(tiny_run: Path, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("exports")
    return {name: export_variant(tiny_run, fmt, quantize=q, drop_layers=drop, output=out / name,
                                 distill_epochs=3)
            for name, fmt, q, drop in [("onnx", "onnx", None, 0), ("onnx-int8", "onnx", "int8", 0),
                                       ("torchscript", "torchscript", None, 0), ("torch-drop1", "torch", None, 1)]}


def test_onnx_and_torchscript_reproduce_the_torch_model(tiny_run, exported):
    reference = logits(tiny_run / "model")
    np.testing.assert_allclose(logits(exported["onnx"]), reference, atol=1e-4)
    np.testing.assert_allclose(logits(exported["torchscript"]), reference, atol=1e-4)
    int8 = logits(exported["onnx-int8"])
    assert np.abs(int8 - reference).max() < 0.1 * np.abs(reference).max() + 0.05  # close, not equal
    card = read_variant(exported["onnx-int8"])
    assert (card.format, card.quantize, card.drop_layers) == ("onnx", "int8", 0)
    assert type(load_saved(exported["onnx"]).model).__name__ == "OnnxModel"


def test_onnx_graph_uses_the_additive_attention_mask(exported):
    """Traced through eager attention: no per-layer boolean-mask ``Where``/``IsNaN`` ops (they cost int8 its speed)."""
    import onnx

    ops = {node.op_type for node in onnx.load(str(exported["onnx"] / "model.onnx")).graph.node}
    assert "MatMul" in ops and "Softmax" in ops
    assert "IsNaN" not in ops


def test_export_leaves_the_model_attention_implementation_alone(tiny_run, tmp_path):
    from xlt.deploy.onnx_export import export_onnx

    saved = load_saved(tiny_run / "model")
    before = saved.model.config._attn_implementation
    export_onnx(saved.model, saved.tokenizer, tmp_path / "model.onnx")
    assert saved.model.config._attn_implementation == before


def test_int8_is_smaller_than_fp32(exported):
    # int8 weights are 4x smaller; in the tiny model the graph and the small unquantised tensors dominate
    assert (exported["onnx-int8"] / "model.onnx").stat().st_size < (exported["onnx"] / "model.onnx").stat().st_size


def test_dropped_layer_variant_is_distilled_on_the_source_training_data(exported):
    card = read_variant(exported["torch-drop1"])
    assert card.num_hidden_layers == 1 and card.drop_layers == 1
    stats = card.distillation
    assert stats["examples"] > 0 and "en" in stats["data"]
    assert stats["last_loss"] < stats["first_loss"]  # it learned to imitate the full model
    saved = load_saved(exported["torch-drop1"])
    assert len(saved.model.encoder.encoder.layer) == 1
    assert logits(exported["torch-drop1"]).shape == (len(TEXTS), 2)


def test_xlt_evaluate_scores_a_variant_with_speed_and_size(exported, toy_jsonl, tmp_path):
    from xlt.finetune.evaluate_saved import evaluate_saved

    results = evaluate_saved(exported["onnx-int8"], f"jsonl:{toy_jsonl}/{{lang}}.jsonl", languages=["en", "de"],
                             output=tmp_path / "eval", speed=True)
    assert set(results["systems"]["xlt"]["languages"]) == {"en", "de"}
    speed = json.loads((tmp_path / "eval" / "speed.json").read_text())
    assert speed["texts_per_s"] > 0 and speed["latency_ms_p50"] > 0
    assert speed["size_mb"] == pytest.approx((exported["onnx-int8"] / "model.onnx").stat().st_size / 1e6)


def test_variant_table_reproduces_the_run_and_times_every_variant(tiny_run, tmp_path):
    import shutil

    from xlt.deploy.variant_table import compare_variants

    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    export_variant(run, "onnx", quantize="int8")
    result = compare_variants(run, speed_texts=16, rounds=2, latency_texts=2)
    rows = result["variants"]
    assert list(rows) == ["torch-fp32", "onnx-int8"]
    run_scores = json.loads((run / "metrics.json").read_text())["systems"]["xlt"]["languages"]
    assert rows["torch-fp32"]["accuracy"] == {lang: s["accuracy"] for lang, s in run_scores.items()}
    assert rows["torch-fp32"]["speedup"] == 1.0 and rows["onnx-int8"]["texts_per_s"] > 0
    paired = [v / b for v, b in zip(rows["onnx-int8"]["texts_per_s_rounds"], rows["torch-fp32"]["texts_per_s_rounds"],
                                    strict=True)]
    assert rows["onnx-int8"]["speedup"] == pytest.approx(statistics.median(paired))
    table = (run / "variants.md").read_text()
    assert "| onnx-int8 |" in table and "texts/s" in table


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"fmt": "torchscript", "quantize": "int8"}, r"cannot be quantised as 'int8'.*int8 \(--format onnx\)"),
    ({"fmt": "onnx", "quantize": "int4"}, "--format onnx cannot be quantised as 'int4'"),
    ({"fmt": "tflite"}, "unknown export format"),
    ({"fmt": "torch", "drop_layers": 2}, "between 1 and 1"),
])
def test_bad_options_fail_clearly(tiny_run, tmp_path, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        export_variant(tiny_run, output=tmp_path / "x", **kwargs)


def test_drop_layers_needs_a_run_folder(tiny_run, tmp_path):
    import shutil

    shutil.copytree(tiny_run / "model", tmp_path / "model")
    with pytest.raises(ConfigError, match="needs a run folder"):
        export_variant(tmp_path / "model", "torch", drop_layers=1, output=tmp_path / "x")


def test_a_distilled_torch_variant_converts_to_onnx_int8_keeping_its_card(exported, tmp_path):
    target = export_variant(exported["torch-drop1"], "onnx", quantize="int8", output=tmp_path / "onnx-int8-drop1")
    card = read_variant(target)
    assert (card.format, card.quantize, card.drop_layers, card.num_hidden_layers) == ("onnx", "int8", 1, 1)
    assert card.distillation == read_variant(exported["torch-drop1"]).distillation
    assert logits(target).shape == (len(TEXTS), 2)


def test_variant_cards_from_before_the_rename_still_load_and_broken_ones_name_the_file(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "xlt_variant.json").write_text(json.dumps({
        "format": "onnx", "quantize": "int8", "source_model": "m", "num_hidden_layers": 2,
        "smoothing": {"method": "smoothquant", "kept": "plain"}}))
    assert read_variant(old).int8_calibration == {"method": "smoothquant", "kept": "plain"}
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "xlt_variant.json").write_text('{"format": "onnx", "colour": 1}')
    with pytest.raises(ModelError, match=r"broken/xlt_variant.json: not a valid variant card"):
        read_variant(broken)


def test_variants_take_a_dtype_only_where_they_can(exported):
    assert load_saved(exported["onnx"], "cpu", "auto").model is not None  # auto: the exported precision
    with pytest.raises(ModelError, match="runs in the precision it was exported in"):
        load_saved(exported["onnx"], "cpu", "bfloat16")
    dropped = load_saved(exported["torch-drop1"], "cpu", "bfloat16").model
    assert {p.dtype for p in dropped.parameters()} == {torch.bfloat16}


def test_onnx_passes_at_once_run_on_one_one_thread_session(exported):
    model = load_saved(exported["onnx"]).model
    single = model.single_threaded()
    assert single.threads == 1 and model.single_threaded() is single and single.single_threaded() is single
    saved = load_saved(exported["onnx"])
    texts = saved.spec.apply_prefix(TEXTS)
    np.testing.assert_allclose(predict_logits(saved.model, saved.tokenizer, texts, batch_size=1, streams=3),
                               predict_logits(saved.model, saved.tokenizer, texts, batch_size=1, streams=1),
                               atol=1e-6)
