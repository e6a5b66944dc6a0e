"""Few-shot: the sampler never draws a test item, k per class, target pool from train/dev only, end to end."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from xlt.corpus.config import DataConfig
from xlt.corpus.schema import make_dataset
from xlt.finetune.few_shot import sample_k_per_class, t_interval, target_pool
from xlt.finetune.tasks import get_task

from .test_train import toy_config

CLASSIFICATION = get_task("classification")
BY_LABEL = CLASSIFICATION.few_shot_classes


def pool_with_test_items():
    ids = [f"i{n}" for n in range(60)]
    labels = ["a", "b", "c"] * 20
    return make_dataset({"id": ids, "lang": ["de"] * 60, "text": [f"t{n}" for n in range(60)], "label": labels})


@pytest.mark.parametrize("k", [1, 4, 8, 30])
def test_sampler_never_draws_a_test_item(k) -> None:
    pool = pool_with_test_items()
    test_ids = {f"i{n}" for n in range(0, 60, 2)}  # half of the pool is test items
    for seed in range(20):
        drawn = sample_k_per_class(pool, k, seed, BY_LABEL, test_ids)
        assert not set(drawn["id"]) & test_ids
        counts = Counter(drawn["label"])
        available = Counter(label for i, label in zip(pool["id"], pool["label"], strict=True) if i not in test_ids)
        assert counts == {label: min(k, n) for label, n in available.items()}


def test_sampler_depends_on_seed_and_k_zero_is_empty() -> None:
    pool = pool_with_test_items()
    draws = {tuple(sample_k_per_class(pool, 2, seed, BY_LABEL, set())["id"]) for seed in range(5)}
    assert len(draws) > 1
    assert len(sample_k_per_class(pool, 0, 0, BY_LABEL, set())) == 0


def test_tagging_classes_are_tag_types() -> None:
    pool = make_dataset({"id": ["1", "2", "3", "4"], "lang": ["de"] * 4,
                         "tokens": [["a", "b"]] * 4,
                         "tags": [["B-PER", "O"], ["B-LOC", "I-LOC"], ["O", "O"], ["B-PER", "B-LOC"]]})
    drawn = sample_k_per_class(pool, 1, 0, get_task("tagging").few_shot_classes, exclude_ids={"4"})
    kinds = Counter(kind for tags in drawn["tags"] for kind in {t[2:] for t in tags if t != "O"})
    assert kinds == {"PER": 1, "LOC": 1} and "4" not in drawn["id"]


def test_target_pool_holds_only_train_and_dev_items(toy_data) -> None:
    config = DataConfig.model_validate({
        "pool": {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en", "de", "fr"]},
        "split": {"train": 0.5, "dev": 0.25, "test": 0.25, "seed": 0}, "source_languages": ["en"]})
    parts = config.load()
    pool = target_pool(config, "de")
    assert set(pool["lang"]) == {"de"}
    assert set(pool["id"]) == set(parts["train"]["id"]) | set(parts["dev"]["id"])
    assert not set(pool["id"]) & set(parts["test"]["id"])


def test_t_interval() -> None:
    low, high = t_interval([0.5, 0.6, 0.7])
    assert low < 0.6 < high and high - 0.6 == pytest.approx(0.6 - low)
    assert t_interval([0.4]) == (0.4, 0.4)


def test_few_shot_curves_in_the_run_and_report(tiny_model, toy_data, tmp_path) -> None:
    from xlt.finetune.train import train

    config = toy_config(tiny_model, toy_data, tmp_path, evaluation={"baselines": []},
                        training={"epochs": 1, "batch_size": 4, "learning_rate": 1e-3})
    config = config.model_validate({**config.model_dump(), "few_shot": {"languages": ["de"], "k": [0, 2],
                                                                        "seeds": 2, "min_steps": 2}})
    run = train(config)
    result = json.loads((run.root / "few_shot.json").read_text())
    curve = result["curves"]["de"]
    assert curve["0"]["examples"] == [0] and len(curve["2"]["scores"]) == 2
    assert curve["2"]["examples"] == [4, 4]  # 2 per class, 2 classes
    assert curve["0"]["mean"] == run.results["systems"]["xlt"]["languages"]["de"]["accuracy"]
    html = (run.root / "report.html").read_text()
    assert "Few-shot learning curves" in html and "data:image/png;base64" in html
    assert (run.root / "report_figure_1.png").is_file()
