"""A task added from outside xlt: one class and one ``register_task`` call, nothing else edited.

The toy task is language identification on the classification layout: the label is the row's language.
Training, saving, reloading and evaluating go through the unchanged pipeline.
"""

from __future__ import annotations

import json

import pytest
from datasets import Dataset

from xlt.finetune.load import load_saved
from xlt.finetune.tasks import TASKS, register_task
from xlt.finetune.tasks.classification import ClassificationTask
from xlt.finetune.train import train

from .test_train import toy_config


class LanguageIdTask(ClassificationTask):
    """Which language is this text in? The gold label is the ``lang`` column."""

    name = "language-id"
    translatable = False  # translating the text would change its label

    def labels(self, train: Dataset) -> list[str]:
        return sorted(set(train["lang"]))

    def check_labels(self, ds: Dataset, labels: list[str], split: str, source: str | None = None) -> None:
        pass  # a language outside the training languages is simply never predicted right

    def encode(self, ds, tokenizer, spec, label2id):
        return super().encode(ds.remove_columns("label").add_column("label", list(ds["lang"])), tokenizer, spec,
                              label2id)

    def gold(self, ds: Dataset) -> list[str]:
        return list(ds["lang"])

    def few_shot_classes(self, row: dict) -> set[str]:
        return {row["lang"]}


@pytest.fixture
def language_id():
    register_task(LanguageIdTask)
    yield LanguageIdTask
    TASKS.pop(LanguageIdTask.name)


def test_a_registered_task_trains_saves_reloads_and_scores(language_id, tiny_model, toy_data, tmp_path):
    config = toy_config(tiny_model, toy_data, tmp_path, task="language-id",
                        data={"source_languages": ["en", "de", "fr"]}, evaluation={"baselines": ["lexical"]})
    run = train(config)
    metrics = json.loads((run.root / "metrics.json").read_text())
    assert set(metrics["systems"]["xlt"]["languages"]) == {"en", "de", "fr"}
    lexical = metrics["systems"]["lexical"]["languages"]
    assert all(row["accuracy"] > 0.5 for row in lexical.values())  # the words give the language away
    saved = load_saved(run.root / "model")
    assert saved.task == "language-id" and sorted(saved.model.config.label2id) == ["de", "en", "fr"]
    first = json.loads((run.root / "predictions" / "de.jsonl").read_text().splitlines()[0])
    assert first["prediction"] in {"de", "en", "fr"}
