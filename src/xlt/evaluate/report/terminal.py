"""The results table as a :class:`rich.table.Table` for the terminal.

>>> from xlt.evaluate.report.table import SAMPLE
>>> table = rich_table(SAMPLE)  # shown by rich.console.Console().print(table)
>>> table.title
'Accuracy ×100 (95% bootstrap intervals)'
>>> [column.header for column in table.columns], table.row_count
(['Language', 'n', 'xlt Accuracy', 'lexical Accuracy', 'xlt Macro-F1'], 5)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table as RichTable
from rich.text import Text

from xlt.evaluate.metrics import metric_label
from xlt.evaluate.report.table import Cell, build_extra_table, build_table


def rich_table(results: dict[str, Any]) -> RichTable:
    """Same content as the report table; Text objects keep the ``[low–high]`` brackets literal."""
    table = build_table(results)
    out = RichTable(title=f"{metric_label(results.get('primary_metric', 'accuracy'))} ×100 "
                          f"({100 * results.get('confidence', 0.95):g}% bootstrap intervals)")
    for i, name in enumerate(table.header):
        out.add_column(name, justify="left" if i == 0 else "right")
    for i, row in enumerate(table.rows):
        out.add_row(*map(_text, row), style="yellow" if i < table.source_rows else None,
                    end_section=i == len(table.rows) - 1)
    for row in table.summary:
        out.add_row(*map(_text, row))
    return out


def rich_extra_table(title: str, data: Mapping[str, Mapping[str, Any]], corner: str = "") -> RichTable:
    """An extra row x column table (e.g. entity type x language F1, scores x100) for the terminal."""
    table = build_extra_table(data, corner)
    out = RichTable(title=title)
    for i, name in enumerate(table.header):
        out.add_column(name, justify="left" if i == 0 else "right")
    for row in table.rows:
        out.add_row(*map(_text, row))
    return out


def _text(cell: Cell) -> Text:
    text = Text(cell.value, style="bold" if cell.bold else "")
    if cell.ci:
        text.append(f" {cell.ci}", style="dim")
    return text
