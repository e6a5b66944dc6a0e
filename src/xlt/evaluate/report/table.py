"""The main results table as plain data (cells + bold flags), rendered by markdown, HTML and rich.

Scores are shown x100 with one decimal; intervals in brackets. One row per language (source
languages first, marked), one column per system's primary metric, then the main system's other
metrics; summary rows give source score, target mean and transfer gap per system. Extra tables
(:func:`build_extra_table`, e.g. F1 per entity type and language) are plain row x column grids.

>>> t = build_table(SAMPLE)
>>> t.header
['Language', 'n', 'xlt Accuracy', 'lexical Accuracy', 'xlt Macro-F1']
>>> [c.text for c in t.rows[1]]
['de', '10', '**70.0** [40.0–90.0]', '60.0 [30.0–90.0]', '65.0 [35.0–90.0]']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from xlt.evaluate.metrics import metric_label


@dataclass
class Cell:
    """One table cell: display text, whether it is the best value of its row, and its CI text."""

    value: str
    bold: bool = False
    ci: str = ""

    @property
    def text(self) -> str:
        """Markdown text: bold value, then the interval."""
        value = f"**{self.value}**" if self.bold else self.value
        return f"{value} {self.ci}" if self.ci else value


@dataclass
class Table:
    """Header, one row per language, then summary rows; ``source_rows`` counts the leading source rows."""

    header: list[str]
    rows: list[list[Cell]]
    summary: list[list[Cell]] = field(default_factory=list)
    source_rows: int = 0


def main_system(results: dict[str, Any]) -> str | None:
    """The system the report centres on: ``"xlt"`` if present, else the first one."""
    systems = list(results.get("systems", {}))
    return "xlt" if "xlt" in systems else (systems[0] if systems else None)


def ordered_languages(results: dict[str, Any]) -> list[str]:
    """Source languages first, then targets, then any language scored but listed in neither."""
    langs = list(dict.fromkeys([*results.get("source_languages", []), *results.get("target_languages", [])]))
    for system in results.get("systems", {}).values():
        langs += [lang for lang in system.get("languages", {}) if lang not in langs]
    scored = {lang for s in results.get("systems", {}).values() for lang in s.get("languages", {})}
    return [lang for lang in langs if lang in scored]


def fmt(value: float | None) -> str:
    """A score x100 with one decimal, or an em dash when missing."""
    return "—" if value is None else f"{100 * value:.1f}"


def build_table(results: dict[str, Any]) -> Table:
    """Build the report's main table from :func:`~xlt.evaluate.scores.score_systems` results."""
    primary = results.get("primary_metric", "accuracy")
    systems = list(results.get("systems", {}))
    main = main_system(results)
    extra = [m for m in results.get("metrics", [primary]) if m != primary] if main else []
    header = ["Language", "n", *(f"{s} {metric_label(primary)}" for s in systems),
              *(f"{main} {metric_label(m)}" for m in extra)]
    sources = set(results.get("source_languages", []))

    rows: list[list[Cell]] = []
    for lang in ordered_languages(results):
        scores = [results["systems"][s].get("languages", {}).get(lang) for s in systems]
        main_scores = results["systems"][main].get("languages", {}).get(lang) if main else None
        n = next((sc["n"] for sc in (main_scores, *scores) if sc and "n" in sc), None)
        label = f"{lang} (source)" if lang in sources else lang
        cells = [_score_cell(sc, primary) for sc in scores]
        bold_best(cells, [sc.get(primary) if sc else None for sc in scores], max)
        rows.append([Cell(label), Cell("—" if n is None else str(n)), *cells,
                     *(_score_cell(main_scores, m) for m in extra)])

    summary = []
    for label, key, best in (("Source", "source", max), ("Target mean", "target_mean", max),
                             ("Transfer gap (source − target)", "gap", min)):
        values = [results["systems"][s].get(key) for s in systems]
        cells = [Cell(fmt(v)) for v in values]
        bold_best(cells, values, best)
        summary.append([Cell(label), Cell(""), *cells, *(Cell("") for _ in extra)])
    n_source = sum(lang in sources for lang in ordered_languages(results))
    return Table(header, rows, summary, n_source)


def build_extra_table(data: Mapping[str, Mapping[str, Any]], corner: str = "") -> Table:
    """A row label -> column label -> value grid as a :class:`Table` (columns in first-seen order).

    Floats are scores shown x100 with one decimal, ints as they are (counts), text as it is (a value the caller
    formatted), ``None`` as a dash.

    >>> t = build_extra_table({"PER": {"en": 0.9, "de": 0.75}, "LOC": {"de": 0.5}}, "Entity type")
    >>> t.header, [[c.text for c in row] for row in t.rows]
    (['Entity type', 'en', 'de'], [['PER', '90.0', '75.0'], ['LOC', '—', '50.0']])
    """
    columns = list(dict.fromkeys(col for row in data.values() for col in row))
    rows = [[Cell(str(label)), *(Cell(_extra_value(values.get(col))) for col in columns)]
            for label, values in data.items()]
    return Table([corner, *map(str, columns)], rows)


def metric_notes(results: dict[str, Any]) -> list[str]:
    """One line per metric saying what it measures, then the per-language normalisation (MLQA), if any."""
    descriptions = results.get("metric_descriptions") or {}
    notes = [f"{metric_label(m)}: {descriptions[m]}" for m in results.get("metrics", []) if m in descriptions]
    main = main_system(results)
    per_lang: dict[str, list[str]] = {}
    for lang, row in (results["systems"][main].get("languages", {}) if main else {}).items():
        for text in (row or {}).get("normalisation", {}).values():
            if text not in per_lang.setdefault(lang, []):
                per_lang[lang].append(text)
    notes += [f"Normalisation for {lang}: {'; '.join(texts)}" for lang, texts in per_lang.items() if texts]
    return notes


def _extra_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return fmt(value)
    return str(value)


def _score_cell(scores: dict[str, Any] | None, metric: str) -> Cell:
    if not scores or scores.get(metric) is None:
        return Cell("—")
    ci = scores.get(f"{metric}_ci")
    return Cell(fmt(scores[metric]), ci=f"[{fmt(ci[0])}–{fmt(ci[1])}]" if ci else "")


def bold_best(cells: list[Cell], values: list[float | None], best: Callable[..., float]) -> None:
    """Bold the cells whose value is ``best`` of the row's values (nothing when fewer than two are present)."""
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return
    target = best(present)
    for cell, value in zip(cells, values, strict=True):
        cell.bold = value is not None and abs(value - target) < 1e-12


def _sample_row(acc: float, acc_ci: list[float], f1: float, f1_ci: list[float]) -> dict[str, Any]:
    return {"n": 10, "accuracy": acc, "accuracy_ci": acc_ci, "macro_f1": f1, "macro_f1_ci": f1_ci}


SAMPLE: dict[str, Any] = {  # a tiny results dict for the examples in this package
    "primary_metric": "accuracy", "metrics": ["accuracy", "macro_f1"], "confidence": 0.95,
    "source_languages": ["en"], "target_languages": ["de"],
    "systems": {
        "xlt": {"languages": {"en": _sample_row(0.9, [0.7, 1.0], 0.88, [0.6, 1.0]),
                              "de": _sample_row(0.7, [0.4, 0.9], 0.65, [0.35, 0.9])},
                "source": 0.9, "target_mean": 0.7, "gap": 0.2},
        "lexical": {"languages": {"en": _sample_row(0.8, [0.5, 1.0], 0.8, [0.5, 1.0]),
                                  "de": _sample_row(0.6, [0.3, 0.9], 0.5, [0.2, 0.8])},
                    "source": 0.8, "target_mean": 0.6, "gap": 0.2},
    },
}
