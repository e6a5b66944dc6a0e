"""``task_options.head: stock``: the architecture's own classifier class, a folder with no remote code."""

from __future__ import annotations

import json

import pytest
import torch

from xlt.errors import ConfigError
from xlt.finetune.tasks import get_task
from xlt.finetune.train import train
from xlt.model.loader import load_encoder
from xlt.model.spec import ModelSpec

from tests.finetune.test_train import toy_config


def test_the_stock_head_holds_the_encoder_weights(tiny_model):
    encoder = load_encoder(ModelSpec(name=str(tiny_model)))
    model = get_task("classification", {"head": "stock"}).build_model(encoder, ["a", "b", "c"])
    assert type(model).__name__ == "BertForSequenceClassification" and model.config.num_labels == 3
    for name, weight in encoder.state_dict().items():
        torch.testing.assert_close(model.bert.state_dict()[name], weight, rtol=0, atol=0)


def test_a_probe_head_start_is_refused_when_the_config_is_read(tiny_model, toy_data, tmp_path):
    with pytest.raises(ConfigError, match="training.head_init: random"):
        toy_config(tiny_model, toy_data, tmp_path, task_options={"head": "stock"})
    with pytest.raises(ConfigError, match="task_options.head"):
        toy_config(tiny_model, toy_data, tmp_path, task_options={"head": "linear"})


def test_a_stock_head_run_loads_without_remote_code_and_predicts_as_xlt(tiny_model, toy_data, tmp_path):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    import xlt

    run = train(toy_config(tiny_model, toy_data, tmp_path, task_options={"head": "stock"},
                           training={"head_init": "random"}, evaluation={"baselines": []}))
    folder = run.root / "model"
    config = json.loads((folder / "config.json").read_text())
    assert config["architectures"] == ["BertForSequenceClassification"] and "auto_map" not in config
    assert not list(folder.glob("*.py"))  # no code beside the weights
    model = AutoModelForSequenceClassification.from_pretrained(folder).eval()  # no trust_remote_code
    tokenizer = AutoTokenizer.from_pretrained(folder)
    rows = [json.loads(line) for line in (run.root / "predictions" / "de.jsonl").read_text().splitlines()]
    with torch.inference_mode():
        logits = model(**tokenizer([r["text"] for r in rows], padding=True, return_tensors="pt")).logits
    plain = [model.config.id2label[int(i)] for i in logits.argmax(-1)]
    assert plain == [r["prediction"] for r in rows]
    assert [p.label for p in xlt.load(folder).predict([r["text"] for r in rows])] == plain
    assert "trust_remote_code" not in (folder / "README.md").read_text()
