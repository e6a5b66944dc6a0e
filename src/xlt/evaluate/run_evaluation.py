"""Evaluate a trained model on every test language, beside the baselines, in one pass.

Writes ``metrics.json``, ``predictions/<lang>.jsonl`` and the report into a run folder; given the source
training texts, also ``transfer_risk.json`` and the report's transfer-risk table (:mod:`xlt.evaluate.transfer_risk`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from datasets import Dataset

from xlt.errors import ConfigError
from xlt.evaluate.report import rich_extra_table, rich_table, write_report
from xlt.evaluate.scores import score_systems
from xlt.evaluate.transfer_risk import (
    DEFAULT_SAMPLE,
    TABLE_TITLE,
    TransferRisk,
    risk_texts_by_language,
    target_scores,
    transfer_risk,
)
from xlt.io import write_json, write_jsonl
from xlt.run_folder import RunFolder, RunInfo

log = logging.getLogger("xlt")
MAIN_SYSTEM = "xlt"


def fit_baselines(task, names: Sequence[str], train: Dataset, embed: Callable, seed: int = 0) -> dict[str, Any]:
    """Build the task's named baselines and fit them on the source-language ``train`` set."""
    unknown = [n for n in names if n not in task.baselines]
    if unknown:
        raise ConfigError(f"unknown baselines {unknown} for task {task.name!r}; known: {sorted(task.baselines)}")
    fitted = {}
    for name in names:
        log.info("fitting baseline %s on %d source examples", name, len(train))
        fitted[name] = task.baselines[name](embed, seed).fit(task.baseline_inputs(train), task.gold(train))
    return fitted


def ordered_languages(test: Dataset, source_languages: Sequence[str]) -> list[str]:
    seen = list(dict.fromkeys(test["lang"]))
    return [lang for lang in source_languages if lang in seen] + [lang for lang in seen
                                                                  if lang not in source_languages]


def split_by_language(test: Dataset, source_languages: Sequence[str]) -> dict[str, Dataset]:
    """language -> its rows of ``test``, in :func:`ordered_languages` order (sources first)."""
    rows_of: dict[str, list[int]] = {lang: [] for lang in ordered_languages(test, source_languages)}
    for i, lang in enumerate(test["lang"]):
        rows_of[lang].append(i)
    return {lang: test.select(rows) for lang, rows in rows_of.items()}


def evaluate_languages(model, tokenizer, spec, task, test: Dataset, source_languages: list[str],
                       run: RunFolder, *, baselines: dict[str, Any] | None = None, run_info: RunInfo,
                       settings=None, seed: int = 0, show: bool = True,
                       extra_systems: dict[str, dict[str, list]] | None = None,
                       before_language: Callable[[str], None] | None = None,
                       predict_languages: Callable[[dict[str, Dataset]], dict[str, list]] | None = None,
                       risk_source_texts: Sequence[str] | None = None) -> dict:
    """Predict every language of ``test`` with ``model`` and the fitted baselines; write results and report.

    ``extra_systems`` (system -> language -> predictions in test order, e.g. translate-test) are scored too.
    ``before_language(lang)`` runs before each language is predicted (MAD-X swaps its language adapter).
    ``predict_languages({lang: rows})`` computes the model's predictions of every language at once elsewhere
    (``xlt evaluate --engine ray``) instead of with ``model`` here.
    ``risk_source_texts`` (the source training texts, as the task's ``risk_texts`` gives them) adds the transfer
    risk of every test language, measured on ``task.risk_texts`` of its rows before any label is read, then
    compared with the scores.
    """
    systems = baselines or {}
    extra = extra_systems or {}

    by_lang = split_by_language(test, source_languages)
    risk = _test_risk(task, tokenizer, getattr(spec, "name", None), risk_source_texts, by_lang, source_languages,
                      seed, run)
    elsewhere = predict_languages(by_lang) if predict_languages is not None else {}
    predictions: dict[str, dict[str, tuple[list[str], list[str]]]] = {MAIN_SYSTEM: {}}
    predictions.update({name: {} for name in [*systems, *extra]})
    for lang, ds in by_lang.items():
        gold = task.gold(ds)
        if lang in elsewhere:
            predicted = elsewhere[lang]
        else:
            if before_language is not None:
                before_language(lang)
            predicted = task.predict(model, tokenizer, spec, ds)
        predictions[MAIN_SYSTEM][lang] = (gold, predicted)
        inputs = task.baseline_inputs(ds)
        for name, baseline in systems.items():
            predictions[name][lang] = (gold, baseline.predict(inputs))
        for name, by_language in extra.items():
            if lang in by_language:
                predictions[name][lang] = (gold, by_language[lang])
        write_jsonl(run.predictions / f"{lang}.jsonl", (
            {**task.prediction_record(row, predicted[i]),
             **{f"prediction_{name}": predictions[name][lang][1][i] for name in [*systems, *extra]
                if lang in predictions[name]}}
            for i, row in enumerate(ds)))

    results = score_systems(
        predictions, list(source_languages), metrics=task.metrics, primary=task.primary_metric, seed=seed,
        confidence=getattr(settings, "confidence", 0.95),
        n_resamples=getattr(settings, "bootstrap_resamples", 1000),
    )
    write_json(run.run_info, run_info.as_dict())
    tables = task.extra_tables(predictions[MAIN_SYSTEM])
    if risk is not None:
        risk = risk.with_scores(target_scores(results, MAIN_SYSTEM), metric=results["primary_metric"])
        write_json(run.transfer_risk, risk.model_dump(mode="json"))
        tables = {**tables, TABLE_TITLE: risk.table()}
        results["table_notes"] = {TABLE_TITLE: risk.note()}
    if tables:
        results["tables"] = tables
    write_json(run.metrics, {**results, "run": run_info.as_dict()})
    write_report(results, run_info, run.root, extra_tables=tables or None)
    if show:
        from rich.console import Console

        console = Console()
        console.print(rich_table(results))
        if risk is not None:
            console.print(rich_extra_table(TABLE_TITLE, risk.table()))
            if risk.agreement is not None:
                console.print(risk.agreement.sentence())
    return results


def _test_risk(task, tokenizer, name: str | None, source_texts: Sequence[str] | None, by_lang: dict[str, Dataset],
               source_languages: Sequence[str], seed: int, run: RunFolder) -> TransferRisk | None:
    """The test languages' transfer risk from their texts (a seeded sample of rows each), written at once."""
    if source_texts is None:
        return None
    targets = risk_texts_by_language(task, by_lang, DEFAULT_SAMPLE, seed)
    if targets is None:
        return None
    risk = transfer_risk(tokenizer, source_texts, targets, source_languages=source_languages, seed=seed,
                         tokenizer_name=name)
    write_json(run.transfer_risk, risk.model_dump(mode="json"))
    log.info("transfer risk (texts only): flagged %s", ", ".join(risk.flagged()) or "none")
    return risk
