"""The classification task: label checks that name the problem, encoding with the prefix, prediction."""

from __future__ import annotations

from pathlib import Path

import pytest
from datasets import Dataset

from xlt.errors import DataError
from xlt.finetune.tasks import ClassificationTask, get_task
from xlt.model.heads.mean_pool_classifier import MeanPoolingForSequenceClassification
from xlt.model.predict import predict_logits
from xlt.model.spec import ModelSpec

from tests.finetune.helpers import TEXTS


def rows(langs: list[str], labels: list[str], texts: list[str] | None = None) -> Dataset:
    texts = texts or [f"text {i}" for i in range(len(langs))]
    return Dataset.from_dict({"id": [f"item{i}" for i in range(len(langs))], "lang": langs, "text": texts,
                              "label": labels})


def test_labels_sorted_and_unique() -> None:
    assert ClassificationTask().labels(rows(["en"] * 4, ["b", "a", "b", "c"])) == ["a", "b", "c"]
    assert isinstance(get_task("classification"), ClassificationTask)


def test_check_labels_names_language_label_and_field() -> None:
    ds = rows(["en", "de", "de", "fr", "de"], ["pos", "neg", "meh", "meh", "meh"])
    with pytest.raises(DataError) as err:
        ClassificationTask().check_labels(ds, ["neg", "pos"], "test")
    e = err.value
    assert e.field == "label"
    message = str(e)
    assert message.startswith("field 'label': test data for language 'de' has label 'meh'")
    assert "2 rows" in message and "'item2'" in message and "['neg', 'pos']" in message


def test_check_labels_accepts_known_labels() -> None:
    ClassificationTask().check_labels(rows(["en", "de"], ["pos", "neg"]), ["neg", "pos"], "dev")


def test_build_model_sets_the_labels(make_classifier) -> None:
    model = make_classifier(labels=("x", "y"))
    assert isinstance(model, MeanPoolingForSequenceClassification)
    assert model.config.id2label == {0: "x", 1: "y"} and model.config.label2id == {"x": 0, "y": 1}
    assert model.classifier.out_features == 2 and model.config.problem_type == "single_label_classification"


def test_build_model_dropout(tiny_model: Path) -> None:
    from transformers import AutoModel

    model = ClassificationTask().build_model(AutoModel.from_pretrained(tiny_model), ["a", "b"], dropout=0.3)
    assert model.dropout.p == 0.3 and model.config.classifier_dropout == 0.3


def test_encode_applies_the_prefix(tiny_tokenizer, tiny_model: Path) -> None:
    spec = ModelSpec(name=str(tiny_model), prefix="the big ", max_length=6)
    ds = rows(["en", "fr"], ["b", "a"], ["red cat", "le chat rouge et bleu"])
    enc = ClassificationTask().encode(ds, tiny_tokenizer, spec, {"a": 0, "b": 1})
    assert enc["labels"] == [1, 0]
    first = enc["input_ids"][0]
    assert tiny_tokenizer.decode(first, skip_special_tokens=True) == "the big red cat"
    assert first[0] == tiny_tokenizer.bos_token_id and first[-1] == tiny_tokenizer.eos_token_id
    assert tiny_tokenizer.decode(first[1:3]) == "the big"
    assert enc["length"] == [len(ids) for ids in enc["input_ids"]] == [6, 6]  # the second is truncated


def test_encode_text_pairs(tiny_tokenizer, tiny_model: Path) -> None:
    spec = ModelSpec(name=str(tiny_model), prefix="the ")
    ds = rows(["en"], ["a"], ["red cat"]).add_column("text_pair", ["le chat"])
    enc = ClassificationTask().encode(ds, tiny_tokenizer, spec, {"a": 0})
    ids = enc["input_ids"][0]
    assert ids == tiny_tokenizer("the red cat", "le chat")["input_ids"]
    assert tiny_tokenizer.decode(ids) == "<s> the red cat</s></s> le chat</s>"  # no prefix on the pair


def test_encode_unknown_label_is_a_key_error(tiny_tokenizer, tiny_model: Path) -> None:
    with pytest.raises(KeyError):
        ClassificationTask().encode(rows(["en"], ["zzz"]), tiny_tokenizer, ModelSpec(name=str(tiny_model)), {"a": 0})


def test_predict_returns_label_names(make_classifier, tiny_tokenizer, tiny_model: Path) -> None:
    model = make_classifier()
    spec = ModelSpec(name=str(tiny_model), prefix="le ")
    ds = rows(["en"] * len(TEXTS), ["a"] * len(TEXTS), TEXTS)
    predicted = ClassificationTask().predict(model, tiny_tokenizer, spec, ds, batch_size=2)
    logits = predict_logits(model, tiny_tokenizer, ["le " + t for t in TEXTS])
    assert predicted == [model.config.id2label[int(i)] for i in logits.argmax(-1)]
