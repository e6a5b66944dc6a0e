"""Scoring a model xlt did not train: a stock transformers classifier folder, with a label map."""

from __future__ import annotations

import json

import pytest
import torch
from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

from xlt.errors import DataError
from xlt.finetune.evaluate_saved import evaluate_saved


@pytest.fixture
def stock_classifier(tiny_model, tmp_path):
    """A BertForSequenceClassification saved by transformers alone: no xlt card, labels LABEL_0/LABEL_1."""
    torch.manual_seed(0)
    config = BertConfig.from_pretrained(tiny_model, num_labels=2)
    folder = tmp_path / "stock"
    BertForSequenceClassification(config).save_pretrained(folder)
    AutoTokenizer.from_pretrained(tiny_model).save_pretrained(folder)
    assert not (folder / "xlt_model.json").exists()
    return folder


def test_a_stock_classifier_is_scored_per_language_with_intervals(stock_classifier, toy_data, tmp_path):
    data = {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en", "de", "fr"]}
    results = evaluate_saved(stock_classifier, data, output=tmp_path / "eval",
                             label_map={"colour": "LABEL_0", "thing": "LABEL_1"})
    languages = results["systems"]["xlt"]["languages"]
    assert set(languages) == {"en", "de", "fr"}
    for row in languages.values():
        low, high = row["accuracy_ci"]
        assert row["n"] == 24 and low <= row["accuracy"] <= high
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert metrics["run"]["model"] == str(stock_classifier)
    assert (tmp_path / "eval" / "report.html").is_file()


def test_unmapped_labels_say_how_to_map_them(stock_classifier, toy_data, tmp_path):
    data = {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en"]}
    with pytest.raises(DataError, match=r"the model's labels are \['LABEL_0', 'LABEL_1'\]: map the data's labels "
                                        r"onto them with --label-map GOLD=MODEL_LABEL"):
        evaluate_saved(stock_classifier, data, output=tmp_path / "eval")


def test_the_cli_takes_a_label_map(stock_classifier, toy_data, tmp_path):
    from typer.testing import CliRunner

    from xlt.cli.main import app

    args = ["evaluate", str(stock_classifier), "--data", str(toy_data / "en.jsonl"), "-l", "en",
            "--output", str(tmp_path / "cli"), "--label-map", "colour=LABEL_0", "--label-map", "thing=LABEL_1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "cli" / "metrics.json").read_text())["systems"]["xlt"]["languages"]["en"]["n"] == 24
    bad = CliRunner().invoke(app, [*args[:-4], "--label-map", "colour"])
    assert bad.exit_code == 2 and "expected GOLD=MODEL_LABEL" in bad.output


def test_a_stock_token_classifier_is_scored_as_tagging(tiny_model, tmp_path):
    """No xlt card: the head in config.json (BertForTokenClassification) says the task."""
    from transformers import BertForTokenClassification

    from xlt.corpus.schema import make_dataset

    torch.manual_seed(0)
    folder = tmp_path / "stock-tagger"
    BertForTokenClassification(BertConfig.from_pretrained(tiny_model, num_labels=2)).save_pretrained(folder)
    AutoTokenizer.from_pretrained(tiny_model).save_pretrained(folder)
    test = make_dataset({"id": ["1", "2", "1"], "lang": ["en", "en", "de"],
                         "tokens": [["the", "cat"], ["a", "dog"], ["die", "katze"]],
                         "tags": [["O", "NOUN"], ["O", "NOUN"], ["O", "NOUN"]]})
    results = evaluate_saved(folder, None, test=test, output=tmp_path / "eval",
                             label_map={"O": "LABEL_0", "NOUN": "LABEL_1"})
    assert results["primary_metric"] == "word_accuracy"
    assert set(results["systems"]["xlt"]["languages"]) == {"en", "de"}


def test_a_stock_question_answering_model_is_scored_as_qa(tiny_model, tmp_path):
    from transformers import BertForQuestionAnswering

    from xlt.corpus.schema import make_dataset

    torch.manual_seed(0)
    folder = tmp_path / "stock-qa"
    BertForQuestionAnswering(BertConfig.from_pretrained(tiny_model)).save_pretrained(folder)
    AutoTokenizer.from_pretrained(tiny_model).save_pretrained(folder)
    test = make_dataset({"id": ["1", "1"], "lang": ["en", "de"], "question": ["which cat", "welche katze"],
                         "context": ["the red cat", "die rote katze"],
                         "answers": [{"text": ["red cat"], "answer_start": [4]},
                                     {"text": ["rote katze"], "answer_start": [4]}]})
    results = evaluate_saved(folder, None, test=test, output=tmp_path / "eval")
    assert results["primary_metric"] == "qa_f1_mlqa" and set(results["systems"]["xlt"]["languages"]) == {"en", "de"}
