"""xlt evaluate --task retrieval: metrics, predictions, report, prefix recorded, matrix on multi-parallel data."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from xlt.cli.main import app
from xlt.evaluate.retrieval_run import run_retrieval

WORDS = {"en": ["cat", "dog", "house", "car", "tree"], "de": ["katze", "hund", "haus", "auto", "baum"],
         "fr": ["chat", "chien", "maison", "voiture", "arbre"]}


def parallel_files(tmp_path):
    for lang, words in WORDS.items():
        (tmp_path / f"w.{lang}").write_text("".join(f"the {w}\n" for w in words), encoding="utf-8")
    return f"lines:{tmp_path}/w.{{lang}}|{tmp_path}/w.en"


def test_run_writes_metrics_report_and_matrix(tiny_model, tmp_path):
    data = parallel_files(tmp_path)
    from xlt.corpus.readers.parallel import ParallelSpec

    spec = ParallelSpec.parse(data, tgt_lang="en")
    yaml_spec = tmp_path / "spec.yaml"
    yaml_spec.write_text(f"format: lines\nsrc: {spec.src}\ntgt: {spec.tgt}\ntgt_lang: en\n", encoding="utf-8")
    m = run_retrieval(str(tiny_model), str(yaml_spec), prefix="", output=tmp_path / "out", n_resamples=20,
                      show=False)
    assert m["retrieval"]["prefix"] == "" and m["run"]["prefix"] == ""
    assert set(m["systems"]) == {"cosine xx→en", "margin xx→en", "cosine en→xx", "margin en→xx"}
    assert set(m["systems"]["margin xx→en"]["languages"]) == {"de", "fr"}
    assert sorted(m["matrix"]) == ["de", "en", "fr"]  # same English side for both: a language matrix
    saved = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert saved["retrieval"]["pairs"]["de"]["n"] == 5
    report = (tmp_path / "out" / "report.md").read_text()
    assert "Retrieval accuracy per language pair" in report and "source language × target language" in report
    rows = [json.loads(line) for line in (tmp_path / "out" / "predictions" / "de.jsonl").read_text().splitlines()]
    assert rows[0]["src"] == "the katze" and "cosine xx→en: found" in rows[0]


def test_cli_retrieval_and_wrong_options(tiny_model, tmp_path):
    data = parallel_files(tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"format: lines\nsrc: {tmp_path}/w.{{lang}}\ntgt: {tmp_path}/w.en\ntgt_lang: en\n")
    runner = CliRunner()
    result = runner.invoke(app, ["evaluate", str(tiny_model), "--task", "retrieval", "--data", str(spec),
                                 "-l", "de", "--prefix", "query: ", "-o", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "cli" / "metrics.json").read_text())["retrieval"]["prefix"] == "query: "
    result = runner.invoke(app, ["evaluate", str(tiny_model), "--data", data, "--prefix", "x"])
    assert result.exit_code == 2 and "--task retrieval" in result.output
    result = runner.invoke(app, ["evaluate", "no/such/run", "--data", "xnli"])
    assert result.exit_code == 2 and "no such run" in result.output


def test_cli_lines_spec_takes_the_target_language_from_an_option(tiny_model, tmp_path, monkeypatch):
    data = parallel_files(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["evaluate", str(tiny_model), "--task", "retrieval", "--data", data, "-l", "de",
                                 "--target-lang", "en", "--prefix", "", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["retrieval"]["pairs"]["de"]["tgt_lang"] == "en"

    def loaded(*args, **kwargs):
        raise AssertionError("the model was loaded before the spec error")

    monkeypatch.setattr("xlt.evaluate.retrieval_run.retrieval_with_vectors", loaded)
    result = runner.invoke(app, ["evaluate", str(tiny_model), "--task", "retrieval", "--data", data, "-l", "de"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip() == (f"error: parallel data spec {data!r}: no target language: give the language of "
                                     "TGT with --target-lang LANG (xlt evaluate) or tgt_lang: LANG (a spec mapping "
                                     "or YAML file)")
    result = runner.invoke(app, ["evaluate", str(tiny_model), "--data", data, "--target-lang", "en"])
    assert result.exit_code == 2 and "--target-lang is an option of --task retrieval" in result.output
