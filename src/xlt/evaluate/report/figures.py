"""Report figures as PNG bytes, drawn with matplotlib's Agg canvas (no pyplot, no global state).

>>> from xlt.evaluate.report.table import SAMPLE
>>> scores_png(SAMPLE)[:4]
b'\\x89PNG'
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from xlt.evaluate.metrics import metric_label
from xlt.evaluate.report.table import ordered_languages

_HORIZONTAL_FROM = 30  # languages; above this the bars run horizontally, one row per language
_ANNOTATE_UP_TO = 600  # heatmap cells; above this values are not written in the cells
_COLORS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"]


def to_png(fig: Figure, dpi: int = 110) -> bytes:
    """Render ``fig`` to PNG bytes (no software/URL metadata, so the output has no links)."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def scores_figure(results: dict[str, Any]) -> Figure:
    """Grouped bars: per language, one bar per system with its confidence interval as error bar."""
    primary = results.get("primary_metric", "accuracy")
    systems = list(results.get("systems", {}))
    langs = ordered_languages(results)
    sources = set(results.get("source_languages", []))
    horizontal = len(langs) > _HORIZONTAL_FROM
    group = 0.8 / max(1, len(systems))
    if horizontal:
        fig = Figure(figsize=(8, 1.5 + 0.1 * len(langs) * (len(systems) + 1)))
    else:
        fig = Figure(figsize=(min(24.0, max(6.0, 1.5 + len(langs) * (0.3 + 0.2 * len(systems)))), 4.2))
    ax = fig.add_subplot()
    pos = np.arange(len(langs), dtype=float)

    for i, system in enumerate(systems):
        scored = results["systems"][system].get("languages", {})
        values, low, high = [], [], []
        for lang in langs:
            sc = scored.get(lang) or {}
            v, ci = sc.get(primary), sc.get(f"{primary}_ci")
            v = math.nan if v is None else 100 * v
            values.append(v)
            low.append(v - 100 * ci[0] if ci else 0.0)
            high.append(100 * ci[1] - v if ci else 0.0)
        offset = pos - 0.4 + group * (i + 0.5)
        err = np.nan_to_num(np.array([low, high]))
        kwargs = {"color": _COLORS[i % len(_COLORS)], "label": system, "ecolor": "#333333", "capsize": 2}
        if horizontal:
            ax.barh(offset, values, height=group, xerr=err, **kwargs)
        else:
            ax.bar(offset, values, width=group, yerr=err, **kwargs)

    labels = [f"{lang}*" if lang in sources else lang for lang in langs]
    span = ax.axhspan if horizontal else ax.axvspan
    for j, lang in enumerate(langs):
        if lang in sources:
            span(j - 0.5, j + 0.5, color="#f2e8c9", zorder=0)
    score_axis = f"{metric_label(primary)} (×100)"
    if horizontal:
        ax.set_yticks(pos, labels)
        ax.set_ylim(len(langs) - 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.set_xlabel(score_axis)
        ax.grid(axis="x", alpha=0.3)
    else:
        ax.set_xticks(pos, labels, rotation=90 if len(langs) > 12 else 0)
        ax.set_xlim(-0.5, len(langs) - 0.5)
        ax.set_ylim(0, 100)
        ax.set_ylabel(score_axis)
        ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.set_title(f"{metric_label(primary)} per language with {_pct(results)} intervals (* = source)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def matrix_figure(matrix: dict[str, dict[str, float]], metric: str = "accuracy") -> Figure:
    """Train-language (rows) x test-language (columns) heatmap; scores x100 in cells, in-language outlined."""
    train = list(matrix)
    test = list(dict.fromkeys(lang for row in matrix.values() for lang in row))
    values = np.array([[100 * matrix[r][c] if matrix[r].get(c) is not None else np.nan for c in test]
                       for r in train])
    fig = Figure(figsize=(min(30.0, 2.5 + 0.5 * len(test)), 1.8 + 0.45 * len(train)))
    ax = fig.add_subplot()
    finite = values[np.isfinite(values)]
    vmin = max(0.0, 10 * math.floor((finite.min() - 5) / 10)) if finite.size else 0.0  # contrast, not 0..100
    image = ax.imshow(np.ma.masked_invalid(values), cmap="viridis", vmin=vmin, vmax=100, aspect="auto")
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label=f"{metric_label(metric)} (×100)")
    if values.size <= _ANNOTATE_UP_TO:
        size = 9 if len(test) <= 15 else 7
        for (r, c), v in np.ndenumerate(values):
            if not math.isnan(v):
                ax.text(c, r, f"{v:.0f}", ha="center", va="center", fontsize=size,
                        color="black" if (v - vmin) / (100 - vmin + 1e-9) > 0.55 else "white")
    for r, lang in enumerate(train):  # outline in-language cells (train language == test language)
        if lang in test:
            corner = (test.index(lang) - 0.5, r - 0.5)
            ax.add_patch(Rectangle(corner, 1, 1, fill=False, edgecolor="white", linewidth=2))
    ax.set_xticks(range(len(test)), test, rotation=90 if len(test) > 12 else 0)
    ax.set_yticks(range(len(train)), train)
    ax.set_xlabel("test language")
    ax.set_ylabel("train language")
    ax.set_title(f"{metric_label(metric)}: train language × test language")
    return fig


def scores_png(results: dict[str, Any]) -> bytes:
    """:func:`scores_figure` as PNG bytes."""
    return to_png(scores_figure(results))


def matrix_png(matrix: dict[str, dict[str, float]], metric: str = "accuracy") -> bytes:
    """:func:`matrix_figure` as PNG bytes."""
    return to_png(matrix_figure(matrix, metric))


def _pct(results: dict[str, Any]) -> str:
    return f"{100 * results.get('confidence', 0.95):g}%"
