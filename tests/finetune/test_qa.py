"""Extractive QA: windows with doc stride, spans mapped back to characters, end-to-end on the tiny model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import AutoTokenizer

from xlt.finetune.config import TrainConfig
from xlt.finetune.tasks.qa import QATask
from xlt.finetune.train import train
from xlt.model.spec import ModelSpec

ANIMALS = {"en": ["cat", "dog", "tree"], "de": ["katze", "hund", "baum"]}
FILL = {"en": "the a big small house car", "de": "der die das haus auto rot"}


def squad_file(path: Path, lang: str, n: int = 24, long_every: int = 4) -> Path:
    paragraphs = []
    for i in range(n):
        animal = ANIMALS[lang][i % 3]
        filler = FILL[lang].split()
        words = [filler[(i + k) % len(filler)] for k in range(3 + (40 if i % long_every == 0 else i % 5))]
        position = (i * 7) % (len(words) + 1)
        words.insert(position, animal)
        context = " ".join(words)
        start = len(" ".join(words[:position])) + (1 if position else 0)
        paragraphs.append({"context": context, "qas": [
            {"id": f"q{i}", "question": "the cat" if lang == "en" else "die katze",
             "answers": [{"text": animal, "answer_start": start}]}]})
    path.write_text(json.dumps({"version": "1.1", "data": [{"title": "t", "paragraphs": paragraphs}]}))
    return path


@pytest.fixture
def qa_data(tmp_path: Path) -> Path:
    for lang in ANIMALS:
        squad_file(tmp_path / f"{lang}.json", lang)
    return tmp_path


def test_encode_points_at_the_answer_in_every_window_that_holds_it(tiny_model, qa_data):
    from xlt.corpus.spec import DataSpec

    ds = DataSpec.parse(f"squad:{qa_data}/{{lang}}.json", languages=["en"]).load()
    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    spec = ModelSpec(name=str(tiny_model), max_length=24)
    task = QATask(doc_stride=8)
    enc = task.encode(ds, tokenizer, spec, {})
    assert len(enc) > len(ds)  # long contexts became several windows
    hits = 0
    for row in enc:
        if row["start_positions"]:
            hits += 1
            span = tokenizer.decode(row["input_ids"][row["start_positions"]:row["end_positions"] + 1]).strip()
            assert span in ANIMALS["en"]
    assert hits >= len(ds)


def test_dev_score_is_the_test_f1_of_windows_handed_back_in_any_order(tiny_model, qa_data):
    from transformers import EvalPrediction

    from xlt.corpus.spec import DataSpec

    dev = DataSpec.parse(f"squad:{qa_data}/{{lang}}.json", languages=["en", "de"]).load()
    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    spec = ModelSpec(name=str(tiny_model), max_length=24)
    task = QATask(doc_stride=8)
    enc = task.encode(dev, tokenizer, spec, {})
    assert len(enc) > len(dev)  # several windows per long context
    length = max(enc["length"]) + 3
    order = np.random.default_rng(0).permutation(len(enc))  # the Trainer's length-grouped order
    inputs = np.full((len(enc), length), -100)  # -100 between batches, the pad id inside one
    starts, ends = np.full((len(enc), length), -100.0), np.full((len(enc), length), -100.0)
    for row, i in enumerate(order):
        ids = enc[int(i)]["input_ids"]
        inputs[row, :len(ids) + 1] = [*ids, tokenizer.pad_token_id]
        starts[row, :len(ids)] = ends[row, :len(ids)] = 0.0
        starts[row, enc[int(i)]["start_positions"]] = ends[row, enc[int(i)]["end_positions"]] = 5.0
    gold_positions = (np.array(enc["start_positions"])[order], np.array(enc["end_positions"])[order])

    score = task.dev_scorer(dev, tokenizer, spec)
    right = score(EvalPrediction(predictions=(starts, ends), label_ids=gold_positions, inputs=inputs))
    assert task.dev_metric_name == "qa_f1_mlqa" and right["qa_f1_mlqa"] == pytest.approx(1.0)
    assert right["window_accuracy"] == 1.0

    shifted = (np.roll(starts, 1, axis=1), np.roll(ends, 1, axis=1))  # every span one token late
    wrong = score(EvalPrediction(predictions=shifted, label_ids=gold_positions, inputs=inputs))
    assert wrong["qa_f1_mlqa"] < 0.5 and wrong["window_accuracy"] < 0.5

    with pytest.raises(RuntimeError, match="did not build"):
        score(EvalPrediction(predictions=(starts, ends), label_ids=gold_positions, inputs=inputs[:, ::-1]))


def test_best_span_maps_back_to_characters_and_respects_limits():
    task = QATask(max_answer_length=2, n_best=5)
    context = "a big dog ran"
    offsets = [(0, 0), (0, 0), (0, 1), (2, 5), (6, 9), (10, 13), (0, 0)]
    sequence_ids = [None, 0, 1, 1, 1, 1, None]
    start = np.array([0, 9, 0, 0, 5, 0, 0], dtype=float)  # the question token (1) is never an answer
    end = np.array([0, 9, 0, 0, 0, 4, 0], dtype=float)
    score, text = task.best_span(start, end, offsets, sequence_ids, context)
    assert text == "dog ran" and score == 9.0
    task.max_answer_length = 1
    assert task.best_span(start, end, offsets, sequence_ids, context)[1] in {"dog", "ran", "a", "big"}


def test_qa_run_end_to_end(tiny_model, qa_data, tmp_path):
    cfg = TrainConfig.validated({
        "name": "qa", "task": "qa", "output_dir": str(tmp_path / "runs"),
        "model": {"name": str(tiny_model), "max_length": 32},
        "task_options": {"doc_stride": 8},
        "data": {"pool": {"format": "squad", "path": str(qa_data / "{lang}.json"), "languages": ["en", "de"]},
                 "source_languages": ["en"]},
        "training": {"epochs": 2, "batch_size": 8, "learning_rate": 1e-3},
        "evaluation": {"bootstrap_resamples": 20},
    })
    run = train(cfg)
    assert run.results["primary_metric"] == "qa_f1_mlqa"
    assert run.run_info.best_dev_metric == "qa_f1_mlqa" and 0 <= run.run_info.best_dev_score <= 1  # test F1
    assert set(run.results["systems"]) == {"xlt", "frozen-encoder"}
    rows = [json.loads(line) for line in (run.root / "predictions" / "de.jsonl").read_text().splitlines()]
    assert rows and all(isinstance(r["prediction"], str) for r in rows)
    assert all(isinstance(r["prediction_frozen-encoder"], str) for r in rows)
    assert "MLQA" in (run.root / "report.md").read_text()


def test_span_head_baseline_trains_only_the_head_on_a_frozen_copy(tiny_model, qa_data):
    from xlt.corpus.readers.squad import read_squad
    from xlt.model.loader import load_encoder, load_tokenizer

    spec = ModelSpec(name=str(tiny_model), max_length=32)
    task = QATask(doc_stride=8)
    encoder, tokenizer = load_encoder(spec), load_tokenizer(spec)
    train_rows = read_squad(qa_data / "en.json", lang="en")
    frozen = task.frozen_features(encoder, tokenizer, spec, batch_size=8)
    baseline = task.baselines["frozen-encoder"](frozen, 0)
    baseline.epochs = 30
    baseline.fit(task.baseline_inputs(train_rows), task.gold(train_rows))
    assert baseline.losses[-1] < baseline.losses[0]
    before = baseline.predict(task.baseline_inputs(train_rows))
    assert all(p in row["context"] for p, row in zip(before, train_rows, strict=True))

    with torch.no_grad():  # fine-tuning changes the original encoder in place; the baseline keeps its copy
        for p in encoder.parameters():
            p.add_(1.0)
    assert baseline.predict(task.baseline_inputs(train_rows)) == before

    model = task.build_model(encoder, [])
    task.init_head(model, baseline, {})
    assert torch.equal(model.qa_outputs.weight, baseline.head.weight)
