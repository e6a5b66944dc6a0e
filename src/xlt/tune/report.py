"""The study report: ``report.md`` (PNG plots beside it) and a self-contained ``report.html``.

Sections: the study settings, the best trial, the target-language scores of the best config against the
default config (when the final runs were made), Optuna's plots, every trial.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from typing import Any

from xlt.evaluate.report.html import CSS
from xlt.io import atomic_path, write_text

MISSING = "—"


def _pct(value: float | None) -> str:
    return MISSING if value is None else f"{100 * value:.1f}"


def comparison_rows(final: dict[str, Any]) -> list[list[str]]:
    """Language, default, best, difference (x100); source languages first, then targets and their mean."""
    default, best = final["default"], final["best"]
    langs = [lang for lang in default["scores"] if lang in best["scores"]]
    sources = [lang for lang in langs if lang in default["source_languages"]]
    targets = [lang for lang in langs if lang not in sources]
    rows = []
    for lang in sources + targets:
        d, b = default["scores"][lang], best["scores"][lang]
        rows.append([lang + (" (source)" if lang in sources else ""), _pct(d), _pct(b), f"{100 * (b - d):+.1f}"])
    if targets:
        d = sum(default["scores"][lang] for lang in targets) / len(targets)
        b = sum(best["scores"][lang] for lang in targets) / len(targets)
        rows.append([f"mean of {len(targets)} targets", _pct(d), _pct(b), f"{100 * (b - d):+.1f}"])
    return rows


def _sections(summary: dict[str, Any], skipped: dict[str, str]) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) tables shared by the markdown and the HTML."""
    t = summary["trials"]
    settings = [["study", summary["study"]], ["storage", summary["storage"]], ["sampler", summary["sampler"]],
                ["pruner", summary["pruner"]], ["objective", summary["objective"]],
                ["trials", f"{t['complete']} complete, {t['pruned']} pruned, {t['fail']} failed"
                           + (f", {t['running']} running" if t["running"] else "")]]
    out = [("Study", ["", ""], settings)]
    best = summary["best"]
    if best:
        out.append(("Best trial", ["", ""], [["trial", str(best["number"])],
                                             ["source-dev score", _pct(best["source_dev"])],
                                             *[[k, str(v)] for k, v in best["params"].items()]]))
    final = summary.get("final")
    if final:
        metric = final["default"]["primary_metric"]
        out.append((f"Target languages: best config against the default config ({metric} x100, test sets)",
                    ["language", "default", "best", "best - default"], comparison_rows(final)))
    rows = [[str(r["number"]), r["state"], _pct(r["source_dev"]), str(r["epochs_reported"]),
             MISSING if r["seconds"] is None else f"{r['seconds']:.0f}",
             ", ".join(f"{k}={_short(v)}" for k, v in r["params"].items())] for r in summary["trial_rows"]]
    out.append(("Trials", ["trial", "state", "source-dev", "epochs", "seconds", "values"], rows))
    if skipped:
        out.append(("Plots not drawn", ["plot", "why"], [[k, v] for k, v in skipped.items()]))
    return out


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


NOTE = ("The objective is the source-language dev score only: trials score no test language. The target "
        "scores below come from two runs made after the search (the best config and the default config, "
        "same data and seed), evaluated as `xlt train` does.")
NO_FINAL = ("The objective is the source-language dev score only: trials score no test language. No final runs "
            "were made (--no-final): `xlt train best.yaml` scores the best config on every target language.")


def _note(summary: dict[str, Any]) -> str:
    return NOTE if summary.get("final") else NO_FINAL


def render_markdown(summary: dict[str, Any], figures: dict[str, str], skipped: dict[str, str]) -> str:
    lines = [f"# xlt tuning report: {summary['study']}", "", _note(summary), ""]
    for title, header, rows in _sections(summary, skipped):
        lines += [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows] + [""]
    for caption, filename in figures.items():
        lines += [f"![{caption}]({filename})", "", f"*{caption}*", ""]
    return "\n".join(lines)


def render_html(summary: dict[str, Any], figures: dict[str, bytes], skipped: dict[str, str]) -> str:
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>xlt tuning: {escape(summary['study'])}"
             f"</title><style>{CSS}</style></head><body><h1>xlt tuning report: {escape(summary['study'])}</h1>",
             f"<p class='how'>{escape(_note(summary))}</p>"]
    for title, header, rows in _sections(summary, skipped):
        head = "".join(f"<th>{escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        parts.append(f"<h2>{escape(title)}</h2><div class='scroll'><table><thead><tr>{head}</tr></thead>"
                     f"<tbody>{body}</tbody></table></div>")
    for caption, png in figures.items():
        parts.append(f'<figure><img alt="{escape(caption)}" src="data:image/png;base64,'
                     f'{base64.b64encode(png).decode()}"><figcaption>{escape(caption)}</figcaption></figure>')
    return "".join(parts) + "</body></html>"


def write_tune_report(summary: dict[str, Any], pngs: dict[str, bytes], skipped: dict[str, str],
                      out_dir: Path) -> dict[str, Path]:
    out_dir = Path(out_dir)
    names: dict[str, str] = {}
    for i, (caption, png) in enumerate(pngs.items()):
        names[caption] = f"plot_{i + 1}.png"
        with atomic_path(out_dir / names[caption]) as tmp:
            tmp.write_bytes(png)
    paths = {"markdown": out_dir / "report.md", "html": out_dir / "report.html"}
    write_text(paths["markdown"], render_markdown(summary, names, skipped))
    write_text(paths["html"], render_html(summary, pngs, skipped))
    return paths
