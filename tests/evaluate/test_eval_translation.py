"""BLEU/chrF: xlt's scores equal sacreBLEU's, per-language tokenizers, intervals, and scoring of files."""

from __future__ import annotations

import json

import pytest
import sacrebleu

from xlt.errors import DataError
from xlt.evaluate.bootstrap import bootstrap_interval
from xlt.evaluate.metrics import describe_metric, get_metric
from xlt.evaluate.score_translations import score_translation_files
from xlt.evaluate.translation_metrics import bleu_tokenizer

REFS = ["The cat sat on the mat.", "A dog barked at 5 o'clock!", "Bonn is on the Rhine.", "It rains.",
        "Nobody came to the party yesterday evening."]
HYPS = ["The cat sat on a mat.", "A dog was barking at 5 o'clock.", "Bonn lies on the Rhine.", "It is raining.",
        "Nobody came to the party yesterday."]


def test_parity_with_sacrebleu():
    assert get_metric("bleu", "eng")(REFS, HYPS) * 100 == pytest.approx(sacrebleu.corpus_bleu(HYPS, [REFS]).score,
                                                                         abs=1e-9)
    assert get_metric("chrf", "eng")(REFS, HYPS) * 100 == pytest.approx(sacrebleu.corpus_chrf(HYPS, [REFS]).score,
                                                                         abs=1e-9)


def test_chinese_uses_the_zh_tokenizer():
    refs, hyps = ["我喜欢猫。", "今天下雨了。"], ["我喜欢狗。", "今天下雨。"]
    assert bleu_tokenizer("zho_Hans") == bleu_tokenizer("zh") == "zh"
    expected = sacrebleu.corpus_bleu(hyps, [refs], tokenize="zh").score
    assert get_metric("bleu", "zho_Hans")(refs, hyps) * 100 == pytest.approx(expected)
    assert expected != pytest.approx(sacrebleu.corpus_bleu(hyps, [refs]).score)  # the choice matters
    assert "tok:zh" in describe_metric("bleu", "zho_Hans")


def test_japanese_without_mecab_says_so():
    if bleu_tokenizer("ja") == "ja-mecab":
        pytest.skip("mecab is installed")
    assert "not installed" in describe_metric("bleu", "jpn")


def test_bootstrap_interval_brackets_the_score():
    refs, hyps = REFS * 8, HYPS * 8
    score = get_metric("bleu", "eng")(refs, hyps)
    low, high = bootstrap_interval(refs, hyps, "bleu", lang="eng", n_resamples=200)
    assert low <= score <= high and low < high


def test_score_files_writes_metrics_with_signatures(tmp_path):
    (tmp_path / "ref.txt").write_text("\r\n".join(REFS) + "\r\n", encoding="utf-8")  # CRLF like NTREX
    (tmp_path / "hyp.txt").write_text("\n".join(HYPS) + "\n", encoding="utf-8")
    (tmp_path / "src.txt").write_text("\n".join(REFS[::-1]) + "\n", encoding="utf-8")
    results = score_translation_files([tmp_path / "hyp.txt"], tmp_path / "ref.txt", target_lang="eng",
                                      source=tmp_path / "src.txt", output=tmp_path / "eval", n_resamples=50,
                                      show=False)
    row = results["systems"]["hyp.txt"]["languages"]["eng"]
    assert row["bleu"] * 100 == pytest.approx(sacrebleu.corpus_bleu(HYPS, [REFS]).score)
    assert "tok:13a" in row["normalisation"]["bleu"] and "nc:6" in row["normalisation"]["chrf"]
    assert "copy-source" in results["systems"]
    assert json.loads((tmp_path / "eval" / "metrics.json").read_text())["primary_metric"] == "bleu"
    assert "BLEU" in (tmp_path / "eval" / "report.md").read_text()


def test_misaligned_files_name_the_file(tmp_path):
    (tmp_path / "ref.txt").write_text("a\nb\n")
    (tmp_path / "hyp.txt").write_text("a\n")
    with pytest.raises(DataError, match="hyp.txt.*1 lines, but the references"):
        score_translation_files([tmp_path / "hyp.txt"], tmp_path / "ref.txt", target_lang="eng",
                                output=tmp_path / "e", show=False)


def test_cli_scores_translation_files_without_a_model(tmp_path):
    """`xlt evaluate --task translation --hypotheses ...` takes no run folder and no --data."""
    from typer.testing import CliRunner

    from xlt.cli.main import app

    (tmp_path / "ref.txt").write_text("\n".join(REFS) + "\n", encoding="utf-8")
    (tmp_path / "hyp.txt").write_text("\n".join(HYPS) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "--task", "translation", "--hypotheses", str(tmp_path / "hyp.txt"),
                                      "--references", str(tmp_path / "ref.txt"), "--target-lang", "eng",
                                      "-o", str(tmp_path / "eval")])
    assert result.exit_code == 0, result.output
    row = json.loads((tmp_path / "eval" / "metrics.json").read_text())["systems"]["hyp.txt"]["languages"]["eng"]
    assert row["bleu"] * 100 == pytest.approx(sacrebleu.corpus_bleu(HYPS, [REFS]).score)
