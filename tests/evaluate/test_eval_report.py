import re

import pytest

from xlt.evaluate.report import render_extra_table, render_table, rich_extra_table, rich_table, write_report
from xlt.evaluate.scores import score_systems
from xlt.evaluate.tagging_metrics import entity_type_table
from xlt.run_folder import RunInfo

RUN_INFO = RunInfo(**{
    "name": "sib200-demo", "task": "topic classification", "model": "intfloat/multilingual-e5-small",
    "prefix": "query: ", "strategy": {"name": "lora", "r": 8}, "trainable_params": 300_000,
    "total_params": 118_000_000, "zero_shot": True, "zero_shot_note": "", "train_seconds": 754.2,
    "data": {"train": {"en": 701}, "test": {"en": 204, "de": 204, "sw": 204}},
    "created": "2025-01-01T12:00:00",
})


@pytest.fixture(scope="module")
def results():
    gold = ["science", "travel", "sports", "health"] * 10
    def noisy(k):  # every k-th prediction wrong
        return [g if i % k else "travel" for i, g in enumerate(gold)]
    preds = {
        "xlt": {"en": (gold, noisy(10)), "de": (gold, noisy(5)), "sw": (gold, noisy(3))},
        "lexical": {"en": (gold, noisy(4)), "de": (gold, noisy(2)), "sw": (gold, noisy(2))},
        "frozen-encoder": {"en": (gold, noisy(5)), "de": (gold, noisy(3)), "sw": (gold, noisy(3))},
    }
    return score_systems(preds, ["en"], n_resamples=200)


def test_write_report_creates_self_contained_files(results, tmp_path):
    paths = write_report(results, RUN_INFO, tmp_path)
    assert paths["markdown"].is_file() and paths["html"].is_file() and paths["figure_scores"].is_file()
    page = paths["html"].read_text(encoding="utf-8")
    assert "data:image/png;base64," in page
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*(https?:|//)""", page, re.I)
    assert "<script" not in page.lower() and "<link" not in page.lower() and "url(" not in page
    assert "NOT zero-shot" not in page and "figure_matrix" not in paths
    md = paths["markdown"].read_text(encoding="utf-8")
    assert "en (source)" in md and "Transfer gap" in md and "report_scores.png" in md
    assert "'query: '" in md and "lora" in md


def test_not_zero_shot_is_prominent(results, tmp_path):
    info = RUN_INFO.model_copy(update={"zero_shot": False, "zero_shot_note": "model selected on the German dev set"})
    paths = write_report(results, info, tmp_path)
    for key in ("markdown", "html"):
        text = paths[key].read_text(encoding="utf-8")
        assert "NOT zero-shot: model selected on the German dev set" in text
    page = paths["html"].read_text(encoding="utf-8")
    assert page.index("NOT zero-shot") < page.index("<table")  # above the results


def test_heatmap_with_two_train_languages(results, tmp_path):
    matrix = {"en": {"en": 0.9, "de": 0.8, "sw": 0.6}, "de": {"en": 0.82, "de": 0.88, "sw": 0.55}}
    paths = write_report(results, RUN_INFO, tmp_path, matrix=matrix)
    assert paths["figure_matrix"].is_file()
    page = paths["html"].read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2 and "Train language × test language" in page


def test_single_train_language_matrix_has_no_heatmap(results, tmp_path):
    paths = write_report(results, RUN_INFO, tmp_path, matrix={"en": {"en": 0.9, "de": 0.8}})
    assert "figure_matrix" not in paths


def test_missing_run_info_keys_are_shown_gracefully(results, tmp_path):
    paths = write_report(results, RunInfo(name="qa", task="qa"), tmp_path)
    md = paths["markdown"].read_text(encoding="utf-8")
    assert "- **Model:** —" in md and "- **Zero-shot:** unknown" in md


def test_table_marks_best_and_orders_source_first(results):
    text = render_table(results)
    lines = text.splitlines()
    assert "xlt Accuracy" in lines[0] and "lexical Accuracy" in lines[0] and "xlt Macro-F1" in lines[0]
    assert lines[2].startswith("| en (source)")
    en = results["systems"]["xlt"]["languages"]["en"]["accuracy"]
    assert f"**{100 * en:.1f}**" in lines[2]  # xlt is best on en
    assert "Target mean" in text and "Transfer gap" in text


def test_rich_table(results):
    from rich.console import Console

    console = Console(width=200, record=True, color_system=None)
    console.print(rich_table(results))
    out = console.export_text()
    assert "en (source)" in out and "[" in out and "Transfer gap" in out


@pytest.fixture(scope="module")
def tagging():
    gold = [["B-PER", "I-PER", "O"], ["O", "B-LOC"], ["B-ORG", "O"], ["O", "O"]] * 3
    worse = [["B-PER", "O", "O"], ["O", "B-LOC"], ["O", "O"], ["O", "O"]] * 3
    per_lang = {"en": (gold, gold), "de": (gold, worse)}
    preds = {"xlt": per_lang, "majority-tag": {lang: (gold, [["O"] * len(s) for s in gold]) for lang in per_lang}}
    results = score_systems(preds, ["en"], metrics=("entity_f1", "word_accuracy"), primary="entity_f1",
                            n_resamples=100)
    return results, entity_type_table(per_lang)


def test_tagging_report_with_entity_type_table(tagging, tmp_path):
    results, per_type = tagging
    text = render_table(results)
    assert "xlt Entity F1" in text and "majority-tag Entity F1" in text and "xlt Word accuracy" in text
    paths = write_report(results, RUN_INFO, tmp_path, extra_tables={"Entity F1 per type": per_type})
    md = paths["markdown"].read_text(encoding="utf-8")
    assert "## Entity F1 per type" in md and "Entity F1: entity-level micro F1" in md
    section = md[md.index("## Entity F1 per type"):]
    assert "| LOC " in section and "| 100.0 |" in section  # en: every type right
    assert "| PER " in section and "| ORG " in section
    page = paths["html"].read_text(encoding="utf-8")
    assert "<h2>Entity F1 per type</h2>" in page and "<td>LOC</td>" in page
    assert page.index("<h2>Entity F1 per type</h2>") > page.index("<h2>Results</h2>")


def test_extra_table_cells():
    text = render_extra_table({"PER": {"en": 0.5, "de": None}, "LOC": {"de": 1.0}, "n": {"en": 3}}, "Type")
    lines = text.splitlines()
    assert lines[0].split("|")[1:4] == [" Type ", " en   ", " de    "]
    assert lines[2].startswith("| PER  | 50.0 | —     |")
    assert lines[3].startswith("| LOC  | —    | 100.0 |") and lines[4].startswith("| n    | 3    |")


def test_qa_report_names_metrics_and_normalisation(tmp_path):
    preds = {"xlt": {"en": ([["The Eiffel Tower"], ["Paris"]], ["Eiffel tower", "in Paris"]),
                     "zh": ([["北京大学"], ["上海"]], ["北京", "上海"])}}
    results = score_systems(preds, ["en"], metrics=("qa_f1_mlqa", "exact_match_mlqa"), primary="qa_f1_mlqa",
                            n_resamples=50)
    header = render_table(results).splitlines()[0]
    assert "xlt F1 (MLQA)" in header and "xlt Exact match (MLQA)" in header
    paths = write_report(results, RunInfo(name="qa", task="qa"), tmp_path)
    for key in ("markdown", "html"):
        text = paths[key].read_text(encoding="utf-8")
        assert "Normalisation for zh: MLQA zh:" in text and "mixed segmentation" in text
        assert "F1 (MLQA) ×100" in text
    squad = score_systems(preds, ["en"], metrics=("qa_f1", "exact_match"), primary="qa_f1", n_resamples=50)
    assert render_table(squad).splitlines()[0].split("|")[3].strip() == "xlt F1"
    assert "xlt Exact match" in render_table(squad)


def test_rich_extra_table(tagging):
    from rich.console import Console

    console = Console(width=120, record=True, color_system=None)
    console.print(rich_extra_table("Entity F1 per type", tagging[1], "Type"))
    out = console.export_text()
    assert "Entity F1 per type" in out and "LOC" in out and "100.0" in out
