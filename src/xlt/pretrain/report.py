"""``pretrain_report.json`` and ``pretrain_report.md``: what was trained, on what, and what it changed."""

from __future__ import annotations

from pathlib import Path

from xlt.io import write_json, write_text


def write_pretrain_report(folder: Path, report: dict) -> None:
    write_json(folder / "pretrain_report.json", report)
    write_text(folder / "pretrain_report.md", render_markdown(report))


def render_markdown(r: dict) -> str:
    lines = [f"# Pretraining run `{r['name']}`", "",
             f"- start model: `{r['model']}` (prefix {r['prefix']!r})",
             f"- MLM head: {r['head']['note']}",
             f"- steps: {r['steps']} (batch {r['batch_size']} per objective, max_length {r['max_length']}), "
             f"{r['train_seconds']} s, {r['tokens_per_second']} tokens/s",
             f"- language sampling: p ∝ size^{r['alpha']}", ""]
    lines += ["## Objectives", "", "| objective | weight | groups (examples, sampling p) | first loss | last loss |",
              "|---|---|---|---|---|"]
    for name, o in r["objectives"].items():
        groups = ", ".join(f"{g} ({n:,}, {p:.2f})" for g, (n, p) in o["groups"].items())
        lines.append(f"| {name} | {o['weight']} | {groups} | {o.get('first_loss', '-')} | {o.get('last_loss', '-')} |")
    if r.get("heldout_mlm_loss"):
        h = r["heldout_mlm_loss"]
        lines += ["", "## Held-out MLM loss (same sentences, same masks)", "",
                  f"Sentences per language: {h['sentences']}. " + h["note"], "",
                  "| language | " + " | ".join(h["columns"]) + " |", "|---|" + "---|" * len(h["columns"])]
        for lang in h["languages"]:
            lines.append(f"| {lang} | " + " | ".join(str(h[c].get(lang, "-")) for c in h["columns"]) + " |")
    lines += ["", "## Tokens seen per language", "", "| language | tokens |", "|---|---|"]
    lines += [f"| {lang} | {n:,} |" for lang, n in sorted(r["token_counts"].items(), key=lambda kv: -kv[1])]
    return "\n".join(lines) + "\n"
