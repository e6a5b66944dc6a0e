"""The Markdown report and the plain-text/Markdown results table.

>>> from xlt.evaluate.report.table import SAMPLE
>>> render_table(SAMPLE).splitlines()[2].split("|")[1:4]
[' en (source)                    ', ' 10 ', ' **90.0** [70.0–100.0] ']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlt.evaluate.metrics import metric_label
from xlt.evaluate.report.run_info import summary_items, title, zero_shot_warning
from xlt.evaluate.report.table import Table, build_extra_table, build_table, metric_notes

ExtraTables = Mapping[str, Mapping[str, Mapping[str, Any]]]  # title -> row -> column -> value


def how_to_read(results: dict[str, Any]) -> str:
    """One sentence explaining the table."""
    pct = f"{100 * results.get('confidence', 0.95):g}%"
    return (f"Scores are {metric_label(results.get('primary_metric', 'accuracy'))} ×100 on each language's "
            f"test set, with the {pct} bootstrap interval in brackets; \"(source)\" marks the training "
            f"language(s) and bold the best system per row. Gap = source − target mean: smaller means "
            f"the task carries better across languages.")


def render_table(results: dict[str, Any]) -> str:
    """The main table as an aligned Markdown pipe table (readable as plain text in a terminal)."""
    return _pipe_table(build_table(results))


def render_extra_table(data: Mapping[str, Mapping[str, Any]], corner: str = "") -> str:
    """An extra row x column table (e.g. entity type x language F1) as an aligned Markdown pipe table.

    >>> print(render_extra_table({"PER": {"en": 0.9, "de": 0.75}}, "Entity type"))
    | Entity type | en   | de   |
    |-------------|------|------|
    | PER         | 90.0 | 75.0 |
    """
    return _pipe_table(build_extra_table(data, corner))


def _pipe_table(table: Table) -> str:
    lines = [table.header, *([c.text for c in row] for row in table.rows + table.summary)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(table.header))]

    def join(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [join(line) for line in lines[1:]]
    split = len(table.rows)
    if table.summary:
        body.insert(split, join(["" for _ in widths]))
    return "\n".join([join(lines[0]), rule, *body])


def render_markdown(results: dict[str, Any], run_info: dict[str, Any], figures: dict[str, str],
                    extra_tables: ExtraTables | None = None) -> str:
    """The whole report; ``figures`` maps a caption to a PNG path relative to the report.

    ``extra_tables`` (title -> row -> column -> value) adds one section per table after the figures, each
    followed by its note in ``results["table_notes"]`` (title -> text), if it has one.
    """
    parts = [f"# {title(run_info)}", ""]
    warning = zero_shot_warning(run_info)
    if warning:
        parts += [f"> **⚠ {warning}**", ""]
    parts += [f"- **{label}:** {text}" for label, text in summary_items(run_info)]
    parts += ["", "## Results", "", how_to_read(results), "", render_table(results), ""]
    notes = metric_notes(results)
    if notes:
        parts += [*(f"- {note}" for note in notes), ""]
    for caption, path in figures.items():
        parts += [f"### {caption}", "", f"![{caption}]({path})", ""]
    notes = results.get("table_notes") or {}
    for caption, data in (extra_tables or {}).items():
        parts += [f"## {caption}", "", render_extra_table(data), ""]
        if notes.get(caption):
            parts += [notes[caption], ""]
    return "\n".join(parts)
