"""End to end: a tagging (NER) run on the tiny model, and a POS-style run, through train()."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from xlt.finetune.config import TrainConfig
from xlt.finetune.train import train

ANIMALS = {"en": ["cat", "dog"], "de": ["katze", "hund"], "fr": ["chat", "chien"]}
FILLER = {"en": ["the", "a", "big"], "de": ["der", "die", "das"], "fr": ["le", "la", "grand"]}


@pytest.fixture
def ner_data(tmp_path: Path) -> Path:
    """Parallel toy NER in token<TAB>tag files: animals are B-ANI, a following 'red' word I-ANI."""
    colour = {"en": "red", "de": "rot", "fr": "rouge"}
    for lang in ANIMALS:
        sentences = []
        for i in range(40):
            words, tags = [FILLER[lang][i % 3]], ["O"]
            words.append(ANIMALS[lang][i % 2])
            tags.append("B-ANI")
            if i % 3 == 0:
                words.append(colour[lang])
                tags.append("I-ANI")
            words += [FILLER[lang][(i + 1) % 3]] * (1 + i % 4)
            tags += ["O"] * (1 + i % 4)
            sentences.append("\n".join(f"{w}\t{t}" for w, t in zip(words, tags, strict=True)))
        (tmp_path / f"{lang}.tsv").write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    return tmp_path


def test_ner_run_scores_entities_and_writes_one_tag_per_word(tiny_model, ner_data, tmp_path):
    cfg = TrainConfig.validated({
        "name": "ner", "task": "tagging", "output_dir": str(tmp_path / "runs"),
        "model": {"name": str(tiny_model), "max_length": 12},  # short: long sentences become windows
        "data": {"pool": {"format": "token-tsv", "path": str(ner_data / "{lang}.tsv"), "languages": ["en", "de", "fr"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25}, "source_languages": ["en"]},
        "training": {"epochs": 3, "batch_size": 4, "learning_rate": 3e-3},
        "evaluation": {"baselines": ["frozen-encoder", "majority-tag"], "bootstrap_resamples": 20},
    })
    run = train(cfg)
    metrics = json.loads((run.root / "metrics.json").read_text())
    assert metrics["primary_metric"] == "entity_f1"
    assert run.run_info.best_dev_metric == "entity_f1"  # checkpoints are chosen by what the report scores
    assert list(metrics["systems"]) == ["xlt", "frozen-encoder", "majority-tag"]
    assert "Entity F1 per type (xlt)" in metrics["tables"]
    assert set(metrics["tables"]["Entity F1 per type (xlt)"]) == {"ANI"}
    # the majority-tag baseline learns English words only: it finds English animals, no German ones
    majority = metrics["systems"]["majority-tag"]["languages"]
    assert majority["en"]["entity_f1"] > 0.5 and majority["de"]["entity_f1"] == 0
    for lang in ("en", "de", "fr"):
        for line in (run.root / "predictions" / f"{lang}.jsonl").read_text().splitlines():
            row = json.loads(line)
            assert len(row["prediction"]) == len(row["tokens"]) == len(row["tags"])
    assert "Entity F1" in (run.root / "report.html").read_text()

    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(run.root / "model")
    assert set(model.config.id2label.values()) == {"O", "B-ANI", "I-ANI"}


def test_pos_style_tags_are_scored_by_word_accuracy_and_unseen_tags_do_not_crash(tiny_model, ner_data, tmp_path):
    de = ner_data / "de.tsv"
    de.write_text(de.read_text().replace("B-ANI", "NOUN").replace("I-ANI", "ADJ").replace("\tO", "\tDET")
                  .replace("hund\tNOUN", "hund\tPROPN"), encoding="utf-8")  # PROPN: never seen in training
    for lang in ("en", "fr"):
        path = ner_data / f"{lang}.tsv"
        path.write_text(path.read_text().replace("B-ANI", "NOUN").replace("I-ANI", "ADJ").replace("\tO", "\tDET"))
    cfg = TrainConfig.validated({
        "name": "pos", "task": "tagging", "output_dir": str(tmp_path / "runs"),
        "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "token-tsv", "path": str(ner_data / "{lang}.tsv"), "languages": ["en", "de"]},
                 "source_languages": ["en"]},
        "training": {"epochs": 1, "batch_size": 8},
        "evaluation": {"baselines": ["majority-tag"], "bootstrap_resamples": 20},
    })
    run = train(cfg)
    assert run.results["primary_metric"] == "word_accuracy"
    assert 0 <= run.results["systems"]["xlt"]["languages"]["de"]["word_accuracy"] <= 1


def test_a_saved_tagging_run_evaluates_on_new_files(tiny_model, ner_data, tmp_path):
    from xlt.finetune.evaluate_saved import evaluate_saved

    cfg = TrainConfig.validated({
        "name": "ner", "task": "tagging", "output_dir": str(tmp_path / "runs"),
        "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "token-tsv", "path": str(ner_data / "{lang}.tsv"), "languages": ["en", "de"]},
                 "source_languages": ["en"]},
        "training": {"epochs": 1, "batch_size": 8},
        "evaluation": {"bootstrap_resamples": 20},
    })
    run = train(cfg)
    results = evaluate_saved(run.root, f"token-tsv:{ner_data}/{{lang}}.tsv", languages=["fr"], baselines=True,
                             output=tmp_path / "eval")
    assert results["primary_metric"] == "entity_f1"
    assert set(results["systems"]) == {"xlt", "frozen-encoder", "majority-tag"}
    assert (tmp_path / "eval" / "predictions" / "fr.jsonl").is_file()


def test_ner_dev_metric_is_seqeval_entity_f1_over_labelled_words():
    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2
    from transformers import EvalPrediction

    from xlt.finetune.tasks.tagging import TaggingTask

    task = TaggingTask()
    labels = ["B-PER", "I-PER", "O"]
    task.use_labels(labels)
    gold = np.array([[-100, 0, 1, -100, 2, -100], [-100, 2, 0, 0, -100, -100]])
    pred_ids = np.array([[2, 0, 1, 2, 2, 2], [2, 2, 0, 1, 1, 1]])
    logits = np.eye(3)[pred_ids]
    scores = task.dev_metric(EvalPrediction(predictions=logits, label_ids=gold))
    expected = f1_score([["B-PER", "I-PER", "O"], ["O", "B-PER", "B-PER"]],
                        [["B-PER", "I-PER", "O"], ["O", "B-PER", "I-PER"]], mode="strict", scheme=IOB2)
    assert scores["entity_f1"] == pytest.approx(expected) and 0 < expected < 1
    assert scores["accuracy"] == pytest.approx(5 / 6)
