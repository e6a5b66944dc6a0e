"""Transfer risk from texts alone: the built-in model's tokenizer on small hand-written texts, the report's
table, the tasks' texts and ``xlt risk``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from datasets import Dataset
from typer.testing import CliRunner

from xlt.cli import risk as risk_cli
from xlt.cli.main import app
from xlt.evaluate.report import write_report
from xlt.evaluate.report.table import SAMPLE
from xlt.evaluate.transfer_risk import (
    DEFAULT_SAMPLE,
    TABLE_TITLE,
    RiskThresholds,
    letter_scripts,
    risk_agreement,
    sample_indices,
    target_scores,
    transfer_risk,
)
from xlt.finetune.tasks import get_task
from xlt.run_folder import RunInfo

ENGLISH = ["The cat sat on the mat and looked out of the window.",
           "I would like a cup of coffee with milk, please.",
           "The weather is nice today, so we are going to the park.",
           "She reads a book every evening before she goes to sleep.",
           "Our train leaves at seven o'clock tomorrow morning."]
MORE_ENGLISH = ["My brother plays football with his friends on Sundays.",
                "We cooked dinner together and watched a film afterwards.",
                "The shop on the corner sells fresh bread and cheese."]
RUSSIAN = ["Кошка сидела на коврике и смотрела в окно.", "Я хотел бы чашку кофе с молоком.",
           "Сегодня хорошая погода, поэтому мы идём в парк."]
CHINESE = ["猫坐在垫子上看着窗外。", "我想要一杯加牛奶的咖啡。", "今天天气很好，所以我们去公园。"]
RUNIC = ["ᚠᚢᚦᚨᚱᚲ ᚷᚹᚺ ᚾᛁᛃ", "ᛇᛈᛉ ᛊᛏᛒ ᛖᛗᛚ"]  # letters the built-in vocabulary lacks


@pytest.fixture(scope="module")
def e5_tokenizer(builtin_model: Path):
    """The built-in model's tokenizer (the tokenizer only: no weights are loaded)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(builtin_model)


def test_latin_source_against_cyrillic_and_chinese_targets_is_flagged(e5_tokenizer):
    risk = transfer_risk(e5_tokenizer, ENGLISH, {"ru": RUSSIAN, "zh": CHINESE}, source_languages=["en"])
    for lang, script in (("ru", "Cyrillic"), ("zh", "Han")):
        row = risk.languages[lang]
        assert row.novel_script_share == 1.0 and list(row.novel_scripts) == [script]
        assert row.flagged and "novel script" in row.reasons and row.risk_score >= 2
    assert risk.source.scripts == {"Latin": risk.source.letters}
    assert risk.flagged() == ["ru", "zh"]


def test_same_language_text_has_ratio_near_one_and_no_flag(e5_tokenizer):
    risk = transfer_risk(e5_tokenizer, ENGLISH, {"en": ENGLISH, "en-other": MORE_ENGLISH}, source_languages=["en"])
    assert risk.languages["en"].ratio_to_source == 1.0 and risk.languages["en"].risk_score == 0.0
    other = risk.languages["en-other"]
    assert 0.8 < other.ratio_to_source < 1.25
    assert other.novel_script_share == 0.0 and other.unk_rate == 0.0
    assert not other.flagged and other.reasons == [] and other.risk_score < 1
    assert risk.source.ratio_to_source == 1.0 and not risk.source.flagged


def test_unknown_pieces_are_counted_and_flag_a_language(e5_tokenizer):
    risk = transfer_risk(e5_tokenizer, ENGLISH, {"runic": RUNIC})
    ids = [i for text in RUNIC for i in e5_tokenizer(text, add_special_tokens=False)["input_ids"]]
    expected = ids.count(e5_tokenizer.unk_token_id)
    row = risk.languages["runic"]
    assert expected > 0 and row.unk_pieces == expected and row.pieces == len(ids)
    assert row.unk_rate == pytest.approx(expected / len(ids), abs=1e-6)
    assert "unknown pieces" in row.reasons and row.flagged
    assert risk.unk_token == "<unk>"


def test_a_tokenizer_without_an_unknown_token_has_no_unknown_pieces():
    class Bytes:  # a byte-level stand-in: every UTF-8 byte is a piece, nothing is unknown
        unk_token_id = None
        unk_token = None

        def __call__(self, texts, **kwargs):
            return {"input_ids": [list(t.encode()) for t in texts]}

    risk = transfer_risk(Bytes(), ["a b"], {"x": ["ᚠ ᚢ"]})
    assert risk.languages["x"].unk_rate == 0.0 and risk.languages["x"].unk_pieces == 0
    assert risk.unk_token is None


def test_only_letters_count_and_a_script_shared_with_the_source_is_not_novel():
    assert dict(letter_scripts(["Grüße, 123 ! ß"])) == {"Latn": 6}
    assert dict(letter_scripts(["ひらがなカタカナ漢字ー。"])) == {"Hira": 4, "Kana": 4, "Hani": 2}

    class Words:
        unk_token_id = None

        def __call__(self, texts, **kwargs):
            return {"input_ids": [[0] * len(t.split()) for t in texts]}

    risk = transfer_risk(Words(), ["hello world", "привет"], {"mixed": ["Привет мир 東京 hello"]})
    row = risk.languages["mixed"]
    assert row.novel_scripts == {"Han": 2}
    assert row.novel_script_share == pytest.approx(2 / 16, abs=1e-4) and not row.flagged


def test_the_sample_is_bounded_and_seeded(e5_tokenizer):
    texts = [f"text number {i}" for i in range(50)]
    a = transfer_risk(e5_tokenizer, texts, {"x": texts}, sample=10, seed=3)
    b = transfer_risk(e5_tokenizer, texts, {"x": texts}, sample=10, seed=3)
    assert a.languages["x"].texts == 10 and a.source.texts == 10 and a == b
    assert sample_indices(50, 10, 3) != sample_indices(50, 10, 4)
    assert risk_cli.DEFAULT_SAMPLE == DEFAULT_SAMPLE


def test_thresholds_are_the_stated_ones_and_can_change(e5_tokenizer):
    assert RiskThresholds() == RiskThresholds(novel_script_share=0.5, unk_rate=0.01, pieces_per_word_ratio=1.5)
    strict = transfer_risk(e5_tokenizer, ENGLISH, {"en": MORE_ENGLISH},
                           thresholds=RiskThresholds(pieces_per_word_ratio=1.0001))
    loose = transfer_risk(e5_tokenizer, ENGLISH, {"en": MORE_ENGLISH})
    assert strict.languages["en"].risk_score >= loose.languages["en"].risk_score


def test_agreement_correlation_and_flag_hits(e5_tokenizer):
    risk = transfer_risk(e5_tokenizer, ENGLISH, {"en": ENGLISH, "de": MORE_ENGLISH, "ru": RUSSIAN, "zh": CHINESE,
                                                 "runic": RUNIC}, source_languages=["en"])
    scores = {"en": 0.9, "de": 0.8, "ru": 0.6, "zh": 0.7, "runic": 0.1}
    agreement = risk_agreement(risk, scores, "accuracy")
    assert "en" not in agreement.scores  # the source language is not a target
    assert agreement.flagged == ["ru", "zh", "runic"] and agreement.lowest == ["runic", "ru", "zh"]
    assert agreement.flagged_among_lowest == 3
    assert agreement.spearman is not None and agreement.spearman < 0
    sentence = agreement.sentence()
    assert "4 target languages" in sentence and "3 of the 3 flagged" in sentence and "Accuracy" in sentence

    too_few = risk_agreement(risk, {"de": 0.8, "ru": 0.6}, "accuracy")
    assert too_few.spearman is None and "undefined" in too_few.sentence()
    assert "the one flagged language (ru) is the lowest-scoring one (ru)" in too_few.sentence()
    missed = risk_agreement(risk, {"de": 0.5, "ru": 0.9}, "accuracy")
    assert "(ru) is not the lowest-scoring one (de)" in missed.sentence()
    scored = risk.with_scores(scores, metric="accuracy")
    assert scored.agreement == agreement and agreement.sentence() in scored.note()


def test_target_scores_reads_metrics_json_layout():
    assert target_scores(SAMPLE) == {"de": 0.7}
    assert target_scores(SAMPLE, "lexical") == {"de": 0.6}


def test_report_has_the_table_and_the_sentence(e5_tokenizer, tmp_path):
    risk = transfer_risk(e5_tokenizer, ENGLISH, {"en": ENGLISH, "de": RUSSIAN}, source_languages=["en"])
    risk = risk.with_scores(target_scores(SAMPLE), metric="accuracy")
    results = {**SAMPLE, "table_notes": {TABLE_TITLE: risk.note()}}
    write_report(results, RunInfo(name="demo", task="topic"), tmp_path, extra_tables={TABLE_TITLE: risk.table()})
    for name in ("report.md", "report.html"):
        text = (tmp_path / name).read_text()
        assert TABLE_TITLE in text and "novel-script %" in text and "ratio to source" in text
        assert "1 target language" in text and "before any label was read" in text
    markdown = (tmp_path / "report.md").read_text()
    assert "| de " in markdown and "| en (source) " in markdown and "en (source texts)" in markdown


@pytest.mark.parametrize(("task", "rows", "expected"), [
    ("classification", {"text": ["a b", "c"], "text_pair": ["d", None]}, ["a b d", "c"]),
    ("classification", {"text": ["a b"]}, ["a b"]),
    ("classification", {"sentence": ["a b"]}, None),  # a plugin task's own columns: no risk, nothing breaks
    ("tagging", {"tokens": [["New", "York", "!"]]}, ["New York !"]),
    ("qa", {"question": [" Who? "], "context": ["Ann did."]}, ["Who? Ann did."]),
    ("translation", {"text": ["hello"], "label": ["hola"]}, None),
])
def test_each_task_gives_the_text_its_model_reads(task, rows, expected):
    assert get_task(task).risk_texts(Dataset.from_dict(rows)) == expected


def test_a_train_run_writes_the_risk_and_its_report_table(tiny_model, toy_data, tmp_path):
    from xlt.finetune.config import TrainConfig
    from xlt.finetune.train import train

    config = TrainConfig.validated({
        "name": "risk", "output_dir": str(tmp_path / "runs"), "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en", "de", "fr"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25, "seed": 0}, "source_languages": ["en"]},
        "training": {"epochs": 1, "batch_size": 4}, "evaluation": {"bootstrap_resamples": 20, "baselines": []}})
    run = train(config)
    risk = json.loads((run.root / "transfer_risk.json").read_text())
    assert list(risk["languages"]) == ["en", "de", "fr"] and risk["source_languages"] == ["en"]
    assert risk["languages"]["en"]["ratio_to_source"] > 0 and risk["agreement"]["metric"] == "accuracy"
    assert set(risk["agreement"]["scores"]) == {"de", "fr"}
    metrics = json.loads((run.root / "metrics.json").read_text())
    assert TABLE_TITLE in metrics["tables"] and TABLE_TITLE in metrics["table_notes"]
    report = (run.root / "report.md").read_text()
    assert f"## {TABLE_TITLE}" in report and "Spearman" in report

    from xlt.finetune.config_risk import config_risk

    again = config_risk(config)  # the same numbers without training
    assert again.model_dump(exclude={"agreement"}) == {k: v for k, v in risk.items() if k != "agreement"}


runner = CliRunner()


def test_cli_help_teaches():
    result = runner.invoke(app, ["risk", "--help"])
    assert result.exit_code == 0
    for text in ("--source", "--target", "--config", "--model", "--scores", "LANG=PATH", "novel", "xlt risk --source"):
        assert text in result.output, text


def test_cli_runs_on_text_files(builtin_model, tmp_path):
    (tmp_path / "en.txt").write_text("\n".join(ENGLISH) + "\n", encoding="utf-8")
    (tmp_path / "ru.txt").write_text("\n".join(RUSSIAN) + "\n", encoding="utf-8")
    (tmp_path / "de.txt").write_text("\n".join(MORE_ENGLISH) + "\n", encoding="utf-8")
    out = tmp_path / "risk.json"
    result = runner.invoke(app, ["risk", "--source", str(tmp_path / "en.txt"), "--target", f"ru={tmp_path}/ru.txt",
                                 "-t", str(tmp_path / "de.txt"), "-o", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Transfer risk" in result.output and "Cyrillic" in result.output
    saved = json.loads(out.read_text())
    assert saved["source_languages"] == ["en"] and list(saved["languages"]) == ["ru", "de"]
    assert saved["languages"]["ru"]["flagged"] and not saved["languages"]["de"]["flagged"]


def test_cli_needs_files_or_a_config(tmp_path):
    result = runner.invoke(app, ["risk", "--target", "x=missing.txt"])
    assert result.exit_code == 2 and "--source" in result.output
    (tmp_path / "en.txt").write_text("a\n", encoding="utf-8")
    result = runner.invoke(app, ["risk", "--source", str(tmp_path / "en.txt"), "--target", "x=missing.txt"])
    assert result.exit_code == 2 and "no such file" in result.output
