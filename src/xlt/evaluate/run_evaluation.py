"""Evaluate a trained model on every test language, beside the baselines, in one pass.

Writes ``metrics.json``, ``predictions/<lang>.jsonl`` and the report into a run folder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from datasets import Dataset

from xlt.evaluate.baselines import FrozenEncoderBaseline, LexicalBaseline
from xlt.evaluate.report import rich_table, write_report
from xlt.evaluate.scores import score_systems
from xlt.io import write_json, write_jsonl
from xlt.run_folder import RunFolder

log = logging.getLogger("xlt")
MAIN_SYSTEM = "xlt"


def baseline_inputs(ds: Dataset) -> list[str]:
    """One string per example for the baselines: the text, and its pair on a second line."""
    if "text_pair" not in ds.column_names:
        return list(ds["text"])
    return [f"{t}\n{p}" for t, p in zip(ds["text"], ds["text_pair"], strict=True)]


def make_baselines(names: Sequence[str], embed: Callable | None, seed: int) -> dict[str, Any]:
    factories = {
        "lexical": lambda: LexicalBaseline(),
        "frozen-encoder": lambda: FrozenEncoderBaseline(embed, seed=seed) if embed is not None else None,
    }
    unknown = [n for n in names if n not in factories]
    if unknown:
        raise ValueError(f"unknown baselines {unknown}; known: {sorted(factories)}")
    built = {name: factories[name]() for name in names}
    return {name: b for name, b in built.items() if b is not None}


def ordered_languages(test: Dataset, source_languages: Sequence[str]) -> list[str]:
    seen = list(dict.fromkeys(test["lang"]))
    return [lang for lang in source_languages if lang in seen] + [lang for lang in seen
                                                                  if lang not in source_languages]


def evaluate_languages(model, tokenizer, spec, task, test: Dataset, source_languages: list[str],
                       run: RunFolder, *, train: Dataset | None = None, baselines: Sequence[str] = (),
                       features: Callable | None = None, run_info: dict | None = None, settings=None,
                       seed: int = 0, show: bool = True) -> dict:
    """Predict every language of ``test`` with ``model`` and the baselines; write results and report."""
    systems = make_baselines(baselines, features, seed) if train is not None else {}
    for name, baseline in systems.items():
        log.info("fitting baseline %s on %d source examples", name, len(train))
        baseline.fit(baseline_inputs(train), train["label"])

    languages = ordered_languages(test, source_languages)
    rows_of: dict[str, list[int]] = {lang: [] for lang in languages}
    for i, lang in enumerate(test["lang"]):
        rows_of[lang].append(i)
    by_lang = {lang: test.select(rows) for lang, rows in rows_of.items()}
    predictions: dict[str, dict[str, tuple[list[str], list[str]]]] = {MAIN_SYSTEM: {}}
    predictions.update({name: {} for name in systems})
    for lang, ds in by_lang.items():
        gold = list(ds["label"])
        predicted = task.predict(model, tokenizer, spec, ds)
        predictions[MAIN_SYSTEM][lang] = (gold, predicted)
        inputs = baseline_inputs(ds)
        for name, baseline in systems.items():
            predictions[name][lang] = (gold, baseline.predict(inputs))
        write_jsonl(run.predictions / f"{lang}.jsonl", (
            {"id": row["id"], "text": row["text"], **({"text_pair": row["text_pair"]} if "text_pair" in row
                                                      else {}),
             "label": row["label"], "prediction": predicted[i],
             **{f"prediction_{name}": predictions[name][lang][1][i] for name in systems}}
            for i, row in enumerate(ds)))

    results = score_systems(
        predictions, list(source_languages), metrics=task.metrics, primary=task.primary_metric, seed=seed,
        confidence=getattr(settings, "confidence", 0.95),
        n_resamples=getattr(settings, "bootstrap_resamples", 1000),
    )
    write_json(run.metrics, {**results, "run": run_info or {}})
    write_json(run.run_info, run_info or {})
    write_report(results, run_info or {}, run.root)
    if show:
        from rich.console import Console

        Console().print(rich_table(results))
    return results
