"""Write the run report: ``report.md`` (with PNG figures beside it) and a self-contained ``report.html``.

>>> import tempfile, pathlib
>>> from xlt.evaluate.report.table import SAMPLE
>>> from xlt.run_folder import RunInfo
>>> paths = write_report(SAMPLE, RunInfo(name="demo", task="topic"), pathlib.Path(tempfile.mkdtemp()))
>>> sorted(paths)
['figure_scores', 'html', 'markdown']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlt.evaluate.report.figures import matrix_png, scores_png
from xlt.evaluate.report.html import render_html
from xlt.evaluate.report.markdown import ExtraTables, render_extra_table, render_markdown, render_table
from xlt.evaluate.report.terminal import rich_extra_table, rich_table
from xlt.io import atomic_path, write_text
from xlt.run_folder import RunInfo

__all__ = ["render_extra_table", "render_table", "rich_extra_table", "rich_table", "write_report"]

SCORES_CAPTION = "Per-language scores"
MATRIX_CAPTION = "Train language × test language"


def write_report(results: dict[str, Any], run_info: RunInfo, out_dir: Path,
                 matrix: dict[str, dict[str, float]] | None = None,
                 extra_tables: ExtraTables | None = None,
                 figures: dict[str, bytes] | None = None) -> dict[str, Path]:
    """Write the report into ``out_dir``; return paths keyed ``markdown``, ``html``, ``figure_*``.

    ``results`` comes from :func:`~xlt.evaluate.scores.score_systems`; ``matrix`` (train language ->
    test language -> primary score in 0..1) adds a heatmap when it has more than one train language.
    ``extra_tables`` maps a section title to a row -> column -> value table shown after the results,
    e.g. ``{"Entity F1 per type": entity_type_table(per_language)}`` (floats are scores in 0..1,
    shown x100; ints as they are; ``None`` as a dash), each followed by its note in
    ``results["table_notes"]`` (title -> text) if it has one. ``figures`` adds PNGs (caption -> bytes), e.g.
    the few-shot learning curves, after the built-in ones.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    info = run_info.as_dict()
    pngs = {("figure_scores", "report_scores.png", SCORES_CAPTION): scores_png(results)}
    if matrix and len(matrix) > 1:
        png = matrix_png(matrix, results.get("primary_metric", "accuracy"))
        pngs[("figure_matrix", "report_matrix.png", MATRIX_CAPTION)] = png
    for i, (caption, png) in enumerate((figures or {}).items()):
        pngs[(f"figure_extra_{i + 1}", f"report_figure_{i + 1}.png", caption)] = png

    paths: dict[str, Path] = {}
    for (key, filename, _), png in pngs.items():
        paths[key] = out_dir / filename
        with atomic_path(paths[key]) as tmp:
            tmp.write_bytes(png)
    paths["markdown"] = out_dir / "report.md"
    write_text(paths["markdown"], render_markdown(results, info, {c: f for _, f, c in pngs}, extra_tables))
    paths["html"] = out_dir / "report.html"
    write_text(paths["html"], render_html(results, info, {c: png for (_, _, c), png in pngs.items()},
                                          extra_tables))
    return paths
