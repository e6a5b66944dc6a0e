"""A folder sentence-transformers saved is read as sentence-transformers reads it: its prompt is xlt's prefix,
its Pooling module xlt's pooling, its sentence_bert_config.json the input length, and xlt's sentence vectors
(Dense, Normalize and a prompt left out of the pooling included) equal ``SentenceTransformer.encode``'s."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from xlt.model.embed import embed_texts
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.model.spec import ModelSpec
from xlt.model.st_config import StModule
from xlt.model.st_modules import SentenceVectors

from tests.helpers import build_tiny_model

st = pytest.importorskip("sentence_transformers")
try:  # sentence-transformers >= 6; `sentence_transformers.models` before (a deprecated alias since)
    from sentence_transformers.sentence_transformer import modules as st_modules
except ImportError:
    from sentence_transformers import models as st_modules

TEXTS = ["red cat", "the big blue house", "der hund", "a", "le chat rouge et la lune", "sun moon tree water car"]


def save_st_model(folder: Path, pooling: str, *, prompt: bool = True, after: tuple[str, ...] = (),
                  include_prompt: bool = True, max_seq_length: int = 32) -> Path:
    """The tiny BERT wrapped in a SentenceTransformer (Transformer + Pooling + ``after``: ``"dense"`` (32 -> 16,
    tanh), ``"normalize"``), saved with ``.save``."""
    import torch

    base = build_tiny_model(folder.parent / f"{folder.name}-base")
    (base / "xlt_model.json").unlink()  # only what sentence-transformers writes may say anything
    transformer = st_modules.Transformer(str(base), max_seq_length=max_seq_length)
    dimension = getattr(transformer, "get_embedding_dimension", None) or transformer.get_word_embedding_dimension
    pool = st_modules.Pooling(dimension(), pooling_mode=pooling, include_prompt=include_prompt)
    torch.manual_seed(1)
    built = {"dense": lambda: st_modules.Dense(dimension(), 16, activation_function=torch.nn.Tanh()),
             "normalize": st_modules.Normalize}
    kwargs = {"prompts": {"query": "query: "}, "default_prompt_name": "query"} if prompt else {}
    modules = [transformer, pool, *(built[name]() for name in after)]
    st.SentenceTransformer(modules=modules, device="cpu", **kwargs).save(str(folder))
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
    spec = ModelSpec(name=str(st_folders["cls"]), prefix="passage: ", pooling="mean", max_length=16)
    found = spec.resolution()
    assert {key: found[key] for key in ("prefix", "pooling", "max_length")} == {
        "prefix": ("passage: ", "spec"), "pooling": ("mean", "spec"), "max_length": (16, "spec")}
    folder = shutil.copytree(st_folders["cls"], tmp_path / "carded")
    (folder / "xlt_model.json").write_text(json.dumps({"pooling": "last", "max_length": 24}))
    found = ModelSpec(name=str(folder)).resolution()
    assert found["pooling"] == ("last", "xlt card") and found["max_length"] == (24, "xlt card")
    assert found["prefix"][0] == "query: "  # the card says nothing about the prefix: sentence-transformers does


def test_legacy_pooling_flags_and_modules_after_pooling(st_folders, tmp_path, caplog):
    folder = shutil.copytree(st_folders["mean"], tmp_path / "legacy")
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 32, "pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}))
    modules = json.loads((folder / "modules.json").read_text())
    modules.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
    (folder / "modules.json").write_text(json.dumps(modules))
    found = ModelSpec(name=str(folder)).resolution()
    value, source = found["pooling"]
    assert value == "cls" and source == "sentence-transformers 1_Pooling/config.json pooling_mode_cls_token"
    normalize = StModule(type="sentence_transformers.models.Normalize", path="2_Normalize")
    assert found["sentence_modules"] == ((normalize,), "sentence-transformers modules.json: Normalize (2_Normalize) "
                                         "after Pooling, in sentence vectors; a classifier pools before them")
    # a module xlt does not know is named in the source and warned about, never silently skipped
    modules.append({"idx": 3, "path": "3_LayerNorm", "type": "sentence_transformers.models.LayerNorm"})
    (folder / "modules.json").write_text(json.dumps(modules))
    with caplog.at_level("WARNING"):
        value, source = ModelSpec(name=str(folder)).resolution()["sentence_modules"]
    assert value == (normalize,) and source.endswith("; LayerNorm (3_LayerNorm) unknown to xlt, not applied")
    assert "LayerNorm (3_LayerNorm)" in caplog.text
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
    assert found["sentence_modules"] == ((), "default: none found")
    for name in ("modules.json", "config_sentence_transformers.json", "sentence_bert_config.json"):
        (folder / name).unlink()
    found = ModelSpec(name=str(folder)).resolution()
    assert found == {"prefix": ("", "default: none found"), "pooling": ("mean", "default: none found"),
                     "max_length": (128, "default: none found"), "include_prompt": (True, "default: none found"),
                     "sentence_modules": ((), "default: none found")}


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


def st_and_xlt_vectors(folder: Path, batch_size: int = 4) -> tuple[np.ndarray, np.ndarray, ModelSpec]:
    """``SentenceTransformer.encode`` of TEXTS and xlt's sentence vectors of them, with the folder's own settings."""
    expected = st.SentenceTransformer(str(folder), device="cpu").encode(TEXTS, batch_size=4, convert_to_numpy=True)
    spec = ModelSpec(name=str(folder))
    tokenizer = load_tokenizer(spec)
    ours = embed_texts(load_encoder(spec), tokenizer, spec.apply_prefix(TEXTS), batch_size=batch_size,
                       max_length=spec.resolved_max_length(), vectors=SentenceVectors.for_spec(spec, tokenizer))
    return expected, ours, spec


@pytest.mark.parametrize("pooling", ["mean", "cls"])
def test_dense_and_normalize_after_pooling_make_the_sentence_vectors(tmp_path, pooling):
    from xlt.evaluate.retrieval import retrieval_with_vectors

    folder = save_st_model(tmp_path / "dense", pooling, after=("dense", "normalize"))
    assert (folder / "2_Dense" / "config.json").is_file() and (folder / "3_Normalize").is_dir()
    for batch_size in (4, 1):  # other batches, other padding: the same vectors
        expected, ours, spec = st_and_xlt_vectors(folder, batch_size)
        diff = float(np.abs(ours - expected).max())
        print(f"max abs diff xlt vs sentence-transformers, Dense + Normalize ({pooling}, batch {batch_size}): "
              f"{diff:.3g}")
        assert ours.shape == expected.shape == (len(TEXTS), 16) and diff < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-6)
    modules, source = spec.resolution()["sentence_modules"]
    assert [m.kind for m in modules] == ["Dense", "Normalize"]
    assert source == ("sentence-transformers modules.json: Dense (2_Dense), Normalize (3_Normalize) after Pooling, "
                      "in sentence vectors; a classifier pools before them")
    # without them the vectors are the pooled ones a classifier head reads
    encoder, tokenizer = load_encoder(spec), load_tokenizer(spec)
    assert embed_texts(encoder, tokenizer, spec.apply_prefix(TEXTS), max_length=32).shape == (len(TEXTS), 32)
    # retrieval compares these sentence vectors, and says so
    pairs = {"de": (TEXTS[:3], TEXTS[3:])}
    result, vectors = retrieval_with_vectors(str(folder), pairs, k=2, device="cpu")
    assert result["sentence_modules"] == "Dense+Normalize" and result["sentence_modules_source"] == source
    assert float(np.abs(np.concatenate(vectors["de"]) - expected).max()) < 1e-5


def test_a_prompt_left_out_of_mean_pooling_as_sentence_transformers_does(tmp_path):
    folder = save_st_model(tmp_path / "no-prompt-pooled", "mean", include_prompt=False)
    expected, ours, spec = st_and_xlt_vectors(folder)
    diff = float(np.abs(ours - expected).max())
    print(f"max abs diff xlt vs sentence-transformers, include_prompt false: {diff:.3g}")
    assert diff < 1e-5
    _, ours_one_by_one, _ = st_and_xlt_vectors(folder, batch_size=1)
    assert float(np.abs(ours_one_by_one - expected).max()) < 1e-5
    include, source = spec.resolution()["include_prompt"]
    assert include is False and source.startswith("sentence-transformers 1_Pooling/config.json include_prompt false")
    tokenizer = load_tokenizer(spec)
    # <s> and the prompt's own tokens, the closing </s> not
    assert SentenceVectors.for_spec(spec, tokenizer).prompt_tokens == len(tokenizer("query: ")["input_ids"]) - 1
    # pooling the prompt's tokens too gives other vectors: leaving them out is what makes the match
    pooled = embed_texts(load_encoder(spec), tokenizer, spec.apply_prefix(TEXTS), max_length=32)
    assert float(np.abs(pooled - expected).max()) > 1e-3


def test_cls_pooling_with_include_prompt_false_is_named_not_hidden(tmp_path, caplog):
    folder = save_st_model(tmp_path / "cls-no-prompt", "cls", include_prompt=False)
    with caplog.at_level("WARNING"):
        include, source = ModelSpec(name=str(folder)).resolution()["include_prompt"]
    assert include is False and source.endswith("cls pooling: xlt takes the first token, "
                                                "sentence-transformers >= 6 the first after the prompt")
    assert "cls pooling with include_prompt false" in caplog.text


@pytest.mark.parametrize("kept_in", ["tokenizer_config.json", "sentence_bert_config.json"])
def test_sentence_transformers_max_seq_length_is_honoured_and_reported(tmp_path, kept_in):
    # sentence-transformers >= 6 keeps it as the tokenizer's model_max_length; older versions and the hub's
    # models (LaBSE: 256) in sentence_bert_config.json, which comes first for both
    folder = save_st_model(tmp_path / "short", "mean", max_seq_length=6 if kept_in == "tokenizer_config.json" else 32)
    if kept_in == "sentence_bert_config.json":
        config = json.loads((folder / kept_in).read_text())
        (folder / kept_in).write_text(json.dumps({**config, "max_seq_length": 6}))
    spec = ModelSpec(name=str(folder))
    key = "max_seq_length" if kept_in == "sentence_bert_config.json" else "model_max_length"
    source = f"sentence-transformers {kept_in} {key}"
    assert spec.resolution()["max_length"] == (6, source) and spec.resolved_max_length() == 6
    assert spec.recorded()["max_length"] == 6 and spec.recorded()["max_length_source"] == source
    assert load_tokenizer(spec).model_max_length == 6
    expected, ours, _ = st_and_xlt_vectors(folder)  # most TEXTS are longer than 6 tokens with their prompt
    diff = float(np.abs(ours - expected).max())
    print(f"max abs diff xlt vs sentence-transformers, max length 6 from {kept_in}: {diff:.3g}")
    assert diff < 1e-5
    assert ModelSpec(name=str(folder), max_length=32).resolution()["max_length"] == (32, "spec")
