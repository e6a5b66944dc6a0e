"""translate-test and translate-train wired into train(), on the tiny model with a dictionary 'translator'."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlt.errors import ConfigError
from xlt.finetune.config import TrainConfig
from xlt.finetune.train import train
from xlt.translate import TRANSLATORS, Translator

from tests.helpers import COLOURS, THINGS


class DictionaryTranslator(Translator):
    """Word-for-word translation between the toy languages ('de-en' etc.); counts the texts it saw."""

    calls: list[str] = []

    def __init__(self, pair: str) -> None:
        self.pair = pair
        src, tgt = pair.split("-")
        self.table = {}
        for words in (COLOURS, THINGS):
            self.table.update(dict(zip(words[src], words[tgt], strict=True)))

    @property
    def cache_key(self) -> str:
        return f"dict:{self.pair}"

    def translate_batch(self, texts: list[str]) -> list[str]:
        DictionaryTranslator.calls.extend(texts)
        return [" ".join(self.table.get(w, w) for w in t.split()) for t in texts]


@pytest.fixture
def dictionary_backend(monkeypatch):
    monkeypatch.setitem(TRANSLATORS, "dict", DictionaryTranslator)
    DictionaryTranslator.calls = []
    return DictionaryTranslator


def config(tiny_model: Path, toy_data: Path, out: Path, translate: dict, task: str = "classification") -> TrainConfig:
    return TrainConfig.validated({
        "name": "toy", "output_dir": str(out / "runs"), "task": task,
        "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en", "de", "fr"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25, "seed": 0}, "source_languages": ["en"]},
        "training": {"epochs": 2, "batch_size": 4, "learning_rate": 1e-3},
        "evaluation": {"bootstrap_resamples": 20, "baselines": []},
        "translate": {**translate, "cache": str(out / "cache.sqlite")},
    })


def test_translate_test_applies_the_source_model_to_translations(tiny_model, toy_data, tmp_path, dictionary_backend):
    run = train(config(tiny_model, toy_data, tmp_path, {"test": {"de": "dict:de-en"}}))
    metrics = json.loads((run.root / "metrics.json").read_text())
    assert list(metrics["systems"]) == ["xlt", "translate-test"]
    assert set(metrics["systems"]["translate-test"]["languages"]) == {"en", "de"}  # fr has no translator
    rows = {lang: {json.loads(line)["id"]: json.loads(line) for line in
                   (run.root / "predictions" / f"{lang}.jsonl").read_text().splitlines()} for lang in ("en", "de")}
    # a perfect dictionary turns each German test item into its English twin: same prediction as on English
    for item, row in rows["de"].items():
        assert row["prediction_translate-test"] == rows["en"][item]["prediction"]
    records = [json.loads(line) for line in (run.root / "translate-test" / "de.jsonl").read_text().splitlines()]
    assert all(r["translation"] == rows["en"][r["id"]]["text"] for r in records)
    # the matrix (zero-shot and translate-test rows) and the report show both systems
    matrix = json.loads((run.root / "matrix.json").read_text())
    assert list(matrix) == ["en (zero-shot)", "translate-test"]
    assert "translate-test Accuracy" in (run.root / "report.md").read_text()
    assert (run.root / "report_matrix.png").is_file()
    assert set(dictionary_backend.calls) <= {r["text"] for r in rows["de"].values()}


def test_translate_train_trains_one_model_on_source_plus_translations(tiny_model, toy_data, tmp_path,
                                                                       dictionary_backend):
    run = train(config(tiny_model, toy_data, tmp_path, {"train": {"de": "dict:en-de"}}))
    metrics = json.loads((run.root / "metrics.json").read_text())
    assert list(metrics["systems"]) == ["xlt", "translate-train"]
    sub = json.loads((run.root / "translate-train" / "run_info.json").read_text())
    n_train = int(json.loads((run.root / "run_info.json").read_text())["data"]["train"].split()[0])
    assert sub["data"]["train"] == f"{2 * n_train} rows in de, en"
    assert set(metrics["systems"]["translate-train"]["languages"]) == {"en", "de", "fr"}
    assert "translate-train" in json.loads((run.root / "matrix.json").read_text())


def test_tagging_refuses_translation_modes(tiny_model, tmp_path):
    from xlt.finetune.tasks import get_task
    from xlt.finetune.translate_modes import check_supported
    from xlt.translate.settings import TranslateSettings

    with pytest.raises(ConfigError, match="not supported for task 'tagging'"):
        check_supported(get_task("tagging"), TranslateSettings(test={"de": "apertium:deu-eng"}), ["en"])
    with pytest.raises(ConfigError, match="not supported for task 'qa'"):
        check_supported(get_task("qa"), TranslateSettings(train={"de": "apertium:eng-deu"}), ["en"])
