"""The mean-pooling head: pooling ignores padding; saved folders load three ways with the same outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from xlt.finetune.load import load_saved
from xlt.finetune.save import save_model
from xlt.finetune.tasks import ClassificationTask
from xlt.model.card import MODEL_CARD_FILE
from xlt.model.heads.mean_pool_classifier import MeanPoolingForSequenceClassification, mean_pool
from xlt.model.spec import ModelSpec

from tests.finetune.helpers import TEXTS


def test_mean_pool_ignores_padding() -> None:
    torch.manual_seed(0)
    hidden = torch.randn(2, 5, 4)
    mask = torch.tensor([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1]])
    pooled = mean_pool(hidden, mask)
    torch.testing.assert_close(pooled[0], hidden[0, :2].mean(0))
    torch.testing.assert_close(pooled[1], hidden[1].mean(0))
    hidden[0, 2:] = 1e6  # whatever sits in the padding
    torch.testing.assert_close(mean_pool(hidden, mask)[0], pooled[0])


def test_mean_pool_empty_mask_gives_zeros() -> None:
    pooled = mean_pool(torch.ones(1, 3, 2), torch.zeros(1, 3, dtype=torch.long))
    assert torch.equal(pooled, torch.zeros(1, 2))


def test_pooled_vector_is_the_same_with_extra_padding(make_classifier, tiny_tokenizer) -> None:
    model = make_classifier()
    alone = tiny_tokenizer(["le chat"], return_tensors="pt")
    padded = tiny_tokenizer(["le chat", TEXTS[1]], padding=True, return_tensors="pt")
    assert padded["input_ids"].shape[1] > alone["input_ids"].shape[1]
    with torch.no_grad():
        torch.testing.assert_close(model.pooled(**padded)[0], model.pooled(**alone)[0], atol=1e-5, rtol=1e-5)
        extra = {k: torch.cat([v, torch.full((1, 4), 1 if k == "input_ids" else 0)], 1) for k, v in alone.items()}
        torch.testing.assert_close(model(**extra).logits, model(**alone).logits, atol=1e-5, rtol=1e-5)


def test_loss_with_labels(make_classifier, tiny_tokenizer) -> None:
    model = make_classifier()
    batch = tiny_tokenizer(TEXTS[:2], padding=True, return_tensors="pt")
    out = model(**batch, labels=torch.tensor([0, 2]))
    expected = torch.nn.functional.cross_entropy(out.logits, torch.tensor([0, 2]))
    torch.testing.assert_close(out.loss, expected)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path):
    """A classifier built as the brief says (``AutoModel`` with its pooler), saved by xlt."""
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    model = ClassificationTask().build_model(AutoModel.from_pretrained(tiny_model), ["a", "b", "c"])
    torch.manual_seed(1)
    model.eval()
    batch = tokenizer(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        model.classifier.weight.normal_(0, 1.0)
        # centre each label's logit over the texts, so that the texts get different labels
        model.classifier.bias.sub_(model(**batch).logits.mean(0))
        logits = model(**batch).logits.numpy()
    spec = ModelSpec(name=str(tiny_model), prefix="query: ", max_length=32)
    path = save_model(model, tokenizer, tmp_path_factory.mktemp("saved") / "model", spec=spec,
                      task="classification", source_languages=["en", "de"])
    return path, batch, logits


def test_saved_folder_contents(saved) -> None:
    import json

    path, _, _ = saved
    names = {p.name for p in path.iterdir()}
    assert {"config.json", "model.safetensors", "mean_pool_classifier.py", MODEL_CARD_FILE} <= names
    config = json.loads((path / "config.json").read_text("utf-8"))
    assert config["architectures"] == ["MeanPoolingForSequenceClassification"]
    assert config["auto_map"]["AutoModelForSequenceClassification"] == (
        "mean_pool_classifier.MeanPoolingForSequenceClassification")
    assert config["id2label"] == {"0": "a", "1": "b", "2": "c"}
    card = json.loads((path / MODEL_CARD_FILE).read_text("utf-8"))
    assert card["prefix"] == "query: " and card["max_length"] == 32 and card["task"] == "classification"
    assert card["source_languages"] == ["en", "de"] and card["pooling"] == "mean"


def test_load_saved(saved) -> None:
    path, batch, logits = saved
    loaded = load_saved(path)
    assert type(loaded.model) is MeanPoolingForSequenceClassification  # xlt's own class, no remote code
    assert not loaded.model.training
    assert loaded.spec.resolved_prefix() == "query: " and loaded.spec.max_length == 32
    assert loaded.task == "classification" and loaded.source_languages == ["en", "de"]
    with torch.no_grad():
        np.testing.assert_allclose(loaded.model(**batch).logits.numpy(), logits, atol=1e-5)
    assert loaded.tokenizer(TEXTS, padding=True)["input_ids"] == batch["input_ids"].tolist()


def test_plain_transformers_with_remote_code(saved) -> None:
    from transformers import AutoModelForSequenceClassification

    path, batch, logits = saved
    model = AutoModelForSequenceClassification.from_pretrained(path, trust_remote_code=True).eval()
    assert type(model).__name__ == "MeanPoolingForSequenceClassification"
    assert not type(model).__module__.startswith("xlt")  # the copied file, loaded without xlt
    with torch.no_grad():
        np.testing.assert_allclose(model(**batch).logits.numpy(), logits, atol=1e-5)


def test_pipeline_with_remote_code(saved) -> None:
    from transformers import pipeline

    path, _, logits = saved
    pipe = pipeline("text-classification", model=str(path), trust_remote_code=True)
    results = pipe(TEXTS, top_k=None)
    probs = torch.softmax(torch.from_numpy(logits), -1).numpy()
    id2label = {0: "a", 1: "b", 2: "c"}
    for row, result, p in zip(logits, results, probs, strict=True):
        assert result[0]["label"] == id2label[int(row.argmax())]
        scores = {r["label"]: r["score"] for r in result}
        np.testing.assert_allclose([scores[id2label[i]] for i in range(3)], p, atol=1e-5)
    assert len({r[0]["label"] for r in results}) > 1  # the check above is not trivially one label


def test_load_saved_rejects_a_non_model_folder(tmp_path: Path) -> None:
    from xlt.errors import ModelError

    with pytest.raises(ModelError, match="no config.json"):
        load_saved(tmp_path)
