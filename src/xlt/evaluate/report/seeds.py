"""The report of a multi-seed run: ``report.md`` and ``report.html`` in the parent of the seed run folders.

One table of mean ± standard deviation over seeds per system and language (the bootstrap interval averaged
over the seeds beside it; source score, target mean and transfer gap below), then per system the split of the
variance of one run's score into seed and test sample (:mod:`xlt.evaluate.seed_spread`).

>>> from xlt.evaluate.report.table import SAMPLE
>>> from xlt.evaluate.seed_spread import seed_spread
>>> spread = seed_spread({0: SAMPLE, 1: SAMPLE})
>>> [c.text for c in spread_table(spread).rows[1]][:3]
['de', '10', '**70.0 ± 0.0** [40.0–90.0]']
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from xlt.evaluate.metrics import metric_label
from xlt.evaluate.report.html import CSS, _table_html
from xlt.evaluate.report.markdown import _pipe_table
from xlt.evaluate.report.table import Cell, Table, bold_best, fmt
from xlt.evaluate.seed_spread import MeanSd, SeedSpread, Spread
from xlt.io import write_text


def how_to_read(spread: SeedSpread) -> str:
    pct = f"{100 * spread.confidence:g}%"
    return (f"Scores are {metric_label(spread.primary_metric)} ×100: the mean over {len(spread.seeds)} training "
            f"seeds ± their standard deviation, with each seed's {pct} bootstrap interval averaged over the "
            "seeds in brackets; \"(source)\" marks the training language(s) and bold the best mean per row. "
            "Every seed is scored on the same test set.")


DECOMPOSITION_NOTE = (
    "The variance of one run's score, split: seed = variance of the per-seed scores; test sample = mean over "
    "seeds of the bootstrap variance of that seed's score (the squared standard error of its resamples; for "
    "metrics.json files without one, from its interval as if normal). Shown as standard deviations ×100 and as "
    "shares of their sum.")


def languages(spread: SeedSpread) -> list[str]:
    """Source languages first, then targets, then any other language scored."""
    scored = [lang for s in spread.systems.values() for lang in s.languages]
    return [lang for lang in dict.fromkeys([*spread.source_languages, *spread.target_languages, *scored])
            if lang in scored]


def spread_table(spread: SeedSpread) -> Table:
    """Language x system: mean ± sd of the primary metric, the averaged interval beside it; summary rows."""
    systems = list(spread.systems)
    header = ["Language", "n", *(f"{s} {metric_label(spread.primary_metric)}" for s in systems)]
    rows = []
    for lang in languages(spread):
        cells = [_spread_cell(spread.primary(s, lang)) for s in systems]
        bold_best(cells, [sp.mean if (sp := spread.primary(s, lang)) else None for s in systems], max)
        label = f"{lang} (source)" if lang in spread.source_languages else lang
        n = next((sp.n for s in systems if (sp := spread.primary(s, lang)) and sp.n is not None), None)
        rows.append([Cell(label), Cell("—" if n is None else str(n)), *cells])
    summary = []
    for label, key, best in (("Source", "source", max), ("Target mean", "target_mean", max),
                             ("Transfer gap (source − target)", "gap", min)):
        values: list[MeanSd | None] = [getattr(spread.systems[s], key) for s in systems]
        cells = [Cell("—") if v is None else Cell(_mean_sd(v)) for v in values]
        bold_best(cells, [None if v is None else v.mean for v in values], best)
        summary.append([Cell(label), Cell(""), *cells])
    return Table(header, rows, summary, sum(lang in spread.source_languages for lang in languages(spread)))


def decomposition_table(spread: SeedSpread, system: str) -> Table:
    """Per language: seed sd, test-sample sd, and the share of their variance that each is."""
    header = ["Language", "seed sd", "test-sample sd", "seed share", "test-sample share"]
    rows = []
    for lang in languages(spread):
        sp = spread.primary(system, lang)
        if sp is None:
            continue
        sample_sd = None if sp.sample_variance is None else sp.sample_variance ** 0.5
        rows.append([Cell(lang), Cell(fmt(sp.seed_variance ** 0.5)), Cell(fmt(sample_sd)),
                     Cell(_share(sp.seed_share)), Cell(_share(sp.sample_share))])
    return Table(header, rows)


def render_seed_markdown(spread: SeedSpread, name: str) -> str:
    parts = [f"# xlt report: {name} ({len(spread.seeds)} seeds)", "",
             f"- **Seeds:** {', '.join(map(str, spread.seeds))}",
             f"- **Seed runs:** {', '.join(f'[{run}]({run}/report.md)' for run in spread.runs)}",
             "", "## Results over seeds", "", how_to_read(spread), "", _pipe_table(spread_table(spread)), "",
             "## Seed or test sample?", "", DECOMPOSITION_NOTE, ""]
    for system in spread.systems:
        parts += [f"### {system}", "", _pipe_table(decomposition_table(spread, system)), ""]
    return "\n".join(parts)


def render_seed_html(spread: SeedSpread, name: str) -> str:
    title = f"xlt report: {name} ({len(spread.seeds)} seeds)"
    links = ", ".join(f'<a href="{escape(run)}/report.html">{escape(run)}</a>' for run in spread.runs)
    decomposition = "".join(f"<h3>{escape(system)}</h3>"
                            f'<div class="scroll">{_table_html(decomposition_table(spread, system))}</div>'
                            for system in spread.systems)
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>", f"<h1>{escape(title)}</h1>",
        f'<dl class="summary"><dt>Seeds</dt><dd>{escape(", ".join(map(str, spread.seeds)))}</dd>'
        f"<dt>Seed runs</dt><dd>{links}</dd></dl>",
        "<h2>Results over seeds</h2>", f'<p class="how">{escape(how_to_read(spread))}</p>',
        f'<div class="scroll">{_table_html(spread_table(spread))}</div>',
        "<h2>Seed or test sample?</h2>", f'<p class="how">{escape(DECOMPOSITION_NOTE)}</p>', decomposition,
        "</body></html>", ""])


def write_seed_report(spread: SeedSpread, out_dir: Path, name: str) -> dict[str, Path]:
    """``report.md`` and ``report.html`` of ``spread`` in ``out_dir``; returns their paths."""
    paths = {"markdown": Path(out_dir) / "report.md", "html": Path(out_dir) / "report.html"}
    write_text(paths["markdown"], render_seed_markdown(spread, name))
    write_text(paths["html"], render_seed_html(spread, name))
    return paths


def _mean_sd(value: MeanSd) -> str:
    return f"{fmt(value.mean)} ± {fmt(value.sd)}"


def _spread_cell(sp: Spread | None) -> Cell:
    if sp is None:
        return Cell("—")
    if not sp.intervals:
        return Cell(_mean_sd(sp))
    low = sum(ci[0] for ci in sp.intervals) / len(sp.intervals)
    high = sum(ci[1] for ci in sp.intervals) / len(sp.intervals)
    return Cell(_mean_sd(sp), ci=f"[{fmt(low)}–{fmt(high)}]")


def _share(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"
