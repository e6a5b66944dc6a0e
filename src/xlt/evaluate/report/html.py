"""The self-contained HTML report: inline CSS, figures as base64 PNG, no scripts, no external links.

>>> from xlt.evaluate.report.table import SAMPLE
>>> page = render_html(SAMPLE, {"name": "demo", "zero_shot": False}, {})
>>> "NOT zero-shot" in page and "<script" not in page
True
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from xlt.evaluate.report.markdown import ExtraTables, how_to_read
from xlt.evaluate.report.run_info import summary_items, title, zero_shot_warning
from xlt.evaluate.report.table import Cell, Table, build_extra_table, build_table, metric_notes

CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
       max-width: 1100px; margin: 2rem auto; padding: 0 1rem; background: #fff; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
.warning { border: 2px solid #c62828; background: #fdecea; color: #8e1c1c; padding: .8rem 1rem;
           border-radius: 6px; font-weight: 600; font-size: 1.05rem; margin: 1rem 0; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; margin: 1rem 0; }
dl.summary dt { font-weight: 600; color: #57606a; } dl.summary dd { margin: 0; }
.how { color: #57606a; font-size: .92rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: .5rem 0 1rem; }
th, td { padding: .35rem .75rem; border-bottom: 1px solid #e5e7eb; text-align: right; white-space: nowrap; }
th { background: #f6f8fa; border-bottom: 2px solid #d0d7de; position: sticky; top: 0; }
th:first-child, td:first-child { text-align: left; }
tbody tr:nth-child(even) { background: #fafbfc; }
tbody tr:hover { background: #f0f4ff; }
tr.source td { background: #fbf5e3; }
tr.first-summary td { border-top: 2px solid #57606a; }
tfoot td { font-weight: 500; background: #f6f8fa; }
.ci { color: #6e7781; font-size: .85em; }
figure { margin: 1.5rem 0; } figure img { max-width: 100%; height: auto; }
figcaption { color: #57606a; font-size: .9rem; }
"""


def render_html(results: dict[str, Any], run_info: dict[str, Any], figures: dict[str, bytes],
                extra_tables: ExtraTables | None = None) -> str:
    """The whole report as one HTML page; ``figures`` maps a caption to PNG bytes.

    ``extra_tables`` (title -> row -> column -> value) adds one section per table after the figures, each
    followed by its note in ``results["table_notes"]`` (title -> text), if it has one.
    """
    warning = zero_shot_warning(run_info)
    summary = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in summary_items(run_info))
    images = "".join(
        f'<figure><img alt="{escape(caption)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
        for caption, png in figures.items()
    )
    notes = metric_notes(results)
    notes_html = ('<ul class="how">' + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>") if notes else ""
    table_notes = results.get("table_notes") or {}
    extra = "".join(f'<h2>{escape(caption)}</h2><div class="scroll">{_table_html(build_extra_table(data))}</div>'
                    + (f'<p class="how">{escape(table_notes[caption])}</p>' if table_notes.get(caption) else "")
                    for caption, data in (extra_tables or {}).items())
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title(run_info))}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title(run_info))}</h1>",
        f'<div class="warning">⚠ {escape(warning)}</div>' if warning else "",
        f'<dl class="summary">{summary}</dl>',
        "<h2>Results</h2>",
        f'<p class="how">{escape(how_to_read(results))}</p>',
        f'<div class="scroll">{_table_html(build_table(results))}</div>',
        notes_html,
        images,
        extra,
        "</body></html>",
        "",
    ])


def _cell(cell: Cell, tag: str = "td") -> str:
    value = f"<strong>{escape(cell.value)}</strong>" if cell.bold else escape(cell.value)
    ci = f' <span class="ci">{escape(cell.ci)}</span>' if cell.ci else ""
    return f"<{tag}>{value}{ci}</{tag}>"


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    body = "".join(
        f'<tr{" class=source" if i < table.source_rows else ""}>{"".join(_cell(c) for c in row)}</tr>'
        for i, row in enumerate(table.rows)
    )
    foot = "".join(
        f'<tr{" class=first-summary" if i == 0 else ""}>{"".join(_cell(c) for c in row)}</tr>'
        for i, row in enumerate(table.summary)
    )
    foot = f"<tfoot>{foot}</tfoot>" if foot else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table>"
