"""A folder sentence-transformers saved is read as sentence-transformers reads it: its prompt is xlt's prefix,
its Pooling module xlt's pooling, and xlt's vectors equal ``SentenceTransformer.encode``'s."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from xlt.model.embed import embed_texts
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.model.spec import ModelSpec

from tests.helpers import build_tiny_model

st = pytest.importorskip("sentence_transformers")
try:  # sentence-transformers >= 6; `sentence_transformers.models` before (a deprecated alias since)
    from sentence_transformers.sentence_transformer import modules as st_modules
except ImportError:
    from sentence_transformers import models as st_modules

TEXTS = ["red cat", "the big blue house", "der hund", "a", "le chat rouge et la lune", "sun moon tree water car"]


def save_st_model(folder: Path, pooling: str, *, prompt: bool = True) -> Path:
    """The tiny BERT wrapped in a SentenceTransformer (Transformer + Pooling), saved with ``.save``."""
    base = build_tiny_model(folder.parent / f"{folder.name}-base")
    (base / "xlt_model.json").unlink()  # only what sentence-transformers writes may say anything
    transformer = st_modules.Transformer(str(base), max_seq_length=32)
    dimension = getattr(transformer, "get_embedding_dimension", None) or transformer.get_word_embedding_dimension
    pool = st_modules.Pooling(dimension(), pooling_mode=pooling)
    kwargs = {"prompts": {"query": "query: "}, "default_prompt_name": "query"} if prompt else {}
    st.SentenceTransformer(modules=[transformer, pool], device="cpu", **kwargs).save(str(folder))
    shutil.rmtree(base)
    assert not (folder / "xlt_model.json").exists()
    return folder


@pytest.fixture(scope="module")
def st_folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("st")
    return {pooling: save_st_model(root / pooling, pooling) for pooling in ("mean", "cls")}


@pytest.mark.parametrize(("pooling", "mode"), [("mean", "mean"), ("cls", "cls")])
def test_prefix_and_pooling_resolve_from_the_sentence_transformers_files(st_folders, pooling, mode):
    spec = ModelSpec(name=str(st_folders[pooling]))
    found = spec.resolution()
    assert found["prefix"] == ("query: ", "sentence-transformers config_sentence_transformers.json prompt 'query'")
    assert found["pooling"] == (mode, f"sentence-transformers 1_Pooling/config.json pooling_mode {mode!r}")
    assert spec.resolved_prefix() == "query: " and spec.resolved_pooling() == mode
    assert spec.recorded()["pooling_source"] == found["pooling"][1]


def test_spec_and_xlt_card_come_before_the_sentence_transformers_files(st_folders, tmp_path):
    spec = ModelSpec(name=str(st_folders["cls"]), prefix="passage: ", pooling="mean")
    assert spec.resolution() == {"prefix": ("passage: ", "spec"), "pooling": ("mean", "spec")}
    folder = shutil.copytree(st_folders["cls"], tmp_path / "carded")
    (folder / "xlt_model.json").write_text(json.dumps({"pooling": "last"}))
    found = ModelSpec(name=str(folder)).resolution()
    assert found["pooling"] == ("last", "xlt card")
    assert found["prefix"][0] == "query: "  # the card says nothing about the prefix: sentence-transformers does


def test_legacy_pooling_flags_and_modules_after_pooling(st_folders, tmp_path):
    folder = shutil.copytree(st_folders["mean"], tmp_path / "legacy")
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 32, "pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}))
    modules = json.loads((folder / "modules.json").read_text())
    modules.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
    (folder / "modules.json").write_text(json.dumps(modules))
    value, source = ModelSpec(name=str(folder)).resolution()["pooling"]
    assert value == "cls" and "pooling_mode_cls_token" in source and "Normalize after it not applied" in source
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode": "max"}))
    assert ModelSpec(name=str(folder)).resolution()["pooling"] == ("mean", "default: none found")


@pytest.mark.parametrize("pooling", ["mean", "cls"])
def test_xlt_vectors_equal_sentence_transformers_encode(st_folders, pooling):
    folder = st_folders[pooling]
    model = st.SentenceTransformer(str(folder), device="cpu")
    expected = model.encode(TEXTS, batch_size=4, convert_to_numpy=True)  # the default prompt 'query: ' applies
    by_name = model.encode(TEXTS, prompt_name="query", batch_size=4, convert_to_numpy=True)
    spec = ModelSpec(name=str(folder), max_length=32)
    encoder, tokenizer = load_encoder(spec), load_tokenizer(spec)
    assert encoder.config.xlt_pooling == pooling
    ours = embed_texts(encoder, tokenizer, spec.apply_prefix(TEXTS), batch_size=4, max_length=spec.max_length)
    diff = float(np.abs(ours - expected).max())
    print(f"max abs diff xlt vs sentence-transformers ({pooling}): {diff:.3g}")
    assert diff < 1e-5
    assert float(np.abs(ours - by_name).max()) < 1e-5
    # other batches, so other padding: padding never reaches the pooled vector
    other = embed_texts(encoder, tokenizer, spec.apply_prefix(TEXTS), batch_size=1, max_length=spec.max_length)
    other_diff = float(np.abs(other - expected).max())
    print(f"max abs diff, xlt one text per batch ({pooling}): {other_diff:.3g}")
    assert other_diff < 1e-5
    # without the prefix the vectors differ: the prompt really is part of the input
    assert float(np.abs(embed_texts(encoder, tokenizer, TEXTS, max_length=32) - expected).max()) > 1e-3


def test_retrieval_pools_and_prefixes_as_the_folder_says(st_folders):
    from xlt.evaluate.retrieval import evaluate_retrieval

    pairs = {"de": (["der hund", "die katze", "das haus"], ["the dog", "the cat", "the house"])}
    result = evaluate_retrieval(str(st_folders["cls"]), pairs, k=2, max_length=32)
    assert result["prefix"] == "query: " and result["pooling"] == "cls"
    assert result["pooling_source"].startswith("sentence-transformers 1_Pooling/config.json")


def test_no_prompt_means_no_prefix_and_the_resolution_says_default(tmp_path):
    folder = save_st_model(tmp_path / "plain", "cls", prompt=False)
    found = ModelSpec(name=str(folder)).resolution()
    assert found["prefix"] == ("", "default: none found")
    assert found["pooling"][0] == "cls"
    (folder / "modules.json").unlink()
    (folder / "config_sentence_transformers.json").unlink()
    found = ModelSpec(name=str(folder)).resolution()
    assert found == {"prefix": ("", "default: none found"), "pooling": ("mean", "default: none found")}


def test_hub_id_offline_falls_back_to_defaults_and_says_why(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    found = ModelSpec(name="no-such-org/no-such-model-xlt-test").resolution()
    assert found["prefix"][0] == "" and found["pooling"][0] == "mean"
    assert found["pooling"][1].startswith("default: none found")


def test_load_kwargs_reach_from_pretrained(st_folders):
    import torch

    spec = ModelSpec(name=str(st_folders["cls"]), dtype="bfloat16")
    assert spec.load_kwargs() == {"dtype": "bfloat16"}
    assert next(load_encoder(spec).parameters()).dtype == torch.bfloat16
    assert ModelSpec(name="x", revision="v1", trust_remote_code=True).load_kwargs() == {
        "revision": "v1", "trust_remote_code": True}


def test_classification_run_on_a_cls_folder_trains_a_cls_head_that_reloads(st_folders, toy_data, tmp_path):
    from xlt.finetune.load import load_saved
    from xlt.finetune.train import train
    from xlt.model.predict import predict_logits

    from tests.finetune.test_train import toy_config

    config = toy_config(st_folders["cls"], toy_data, tmp_path, training={"epochs": 1, "batch_size": 4},
                        evaluation={"baselines": [], "bootstrap_resamples": 20})
    run = train(config)
    assert run.run_info.pooling == "cls" and "pooling_mode 'cls'" in run.run_info.pooling_source
    assert run.run_info.prefix == "query: "
    report = (run.root / "report.md").read_text()
    assert "cls (from sentence-transformers 1_Pooling/config.json" in report
    saved_config = json.loads((run.root / "model" / "config.json").read_text())
    assert saved_config["xlt_pooling"] == "cls"
    saved = load_saved(run.root / "model")
    assert saved.model.pooling == "cls" and saved.spec.resolved_prefix() == "query: "
    rows = [json.loads(line) for line in (run.root / "predictions" / "de.jsonl").read_text().splitlines()]
    texts = saved.spec.apply_prefix([r["text"] for r in rows])
    logits = predict_logits(saved.model, saved.tokenizer, texts, None, max_length=32)
    assert [saved.model.config.id2label[int(i)] for i in logits.argmax(-1)] == [r["prediction"] for r in rows]
    # plain transformers (trust_remote_code: the head file beside the weights) pools the same way
    from transformers import AutoModelForSequenceClassification

    plain = AutoModelForSequenceClassification.from_pretrained(run.root / "model", trust_remote_code=True).eval()
    assert plain.pooling == "cls"
    enc = saved.tokenizer(texts, padding=True, return_tensors="pt")
    assert np.allclose(plain(**enc).logits.detach().numpy(), logits, atol=1e-5)
