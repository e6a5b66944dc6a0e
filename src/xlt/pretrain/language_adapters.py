"""``xlt pretrain`` with ``language_adapters:``: MAD-X language adapters instead of an updated encoder.

For every language of the ``mlm`` objective's data, one bottleneck adapter is trained with masked language
modelling while the encoder stays frozen (:func:`xlt.pretrain.language_adapter.train_language_adapter`). The run
folder then holds ``language_adapters/<lang>/`` (weights + card) and a report whose last lines are the
``strategy:`` block the ``madx`` strategy takes::

    name: lang-adapters
    model: {name: builtin:multilingual-e5-small}
    language_adapters: {reduction_factor: 2, names: {eng: eng_Latn, deu: deu_Latn}}
    objectives:
      mlm: {data: [{parallel: ntrex, languages: [deu], sides: both}]}
    training: {max_steps: 200, batch_size: 16, learning_rate: 1.0e-4, max_length: 64}

Each language trains ``training.max_steps`` steps on its own text (no sampling across languages: each adapter
sees only its language).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import yaml

from xlt.io import write_json, write_text
from xlt.pretrain.language_adapter import ADAPTER_CARD, train_language_adapter

log = logging.getLogger("xlt")


def train_language_adapters(config, mono: dict[str, list[str]], root: Path, *, device: str = "auto") -> dict:
    """Train one adapter per language of ``mono`` into ``root/language_adapters`` on ``device``; the report (also
    written)."""
    settings, t = config.language_adapters, config.training
    spec = config.model.model_copy(update={"max_length": t.max_length})
    sources = "; ".join(s.model_dump_json(exclude_defaults=True) for s in config.objectives["mlm"].data)
    folders: dict[str, str] = {}
    cards: dict[str, dict] = {}
    for i, (lang, texts) in enumerate(sorted(mono.items())):
        log.info("language adapter %d/%d: %s (%d sentences, %d steps)", i + 1, len(mono), lang, len(texts),
                 t.max_steps)
        folder = train_language_adapter(
            spec, texts, lang, root / "language_adapters" / lang, reduction_factor=settings.reduction_factor,
            activation=settings.activation, placement=settings.placement, max_steps=t.max_steps,
            batch_size=t.batch_size, learning_rate=t.learning_rate, mlm_probability=t.mlm_probability,
            seed=t.seed, source=sources, device=device)
        folders[settings.names.get(lang, lang)] = str(folder)
        cards[lang] = json.loads((folder / ADAPTER_CARD).read_text("utf-8"))
    report = {"name": config.name, "model": config.model.name, "prefix": spec.resolved_prefix(),
              "language_adapters": cards, "madx_strategy": {"name": "madx", "language_adapters": folders}}
    write_json(root / "pretrain_report.json", report)
    write_text(root / "pretrain_report.md", render_markdown(report))
    return report


def render_markdown(report: dict) -> str:
    lines = [f"# Language adapters `{report['name']}`", "",
             f"- base model: `{report['model']}` (prefix {report['prefix']!r}), frozen; one MLM-trained bottleneck "
             "adapter per language (MAD-X). The MLM head (tied to the input embeddings) is thrown away.", "",
             "| language | sentences | steps | reduction factor | MLM loss first -> last | seconds |",
             "|---|---|---|---|---|---|"]
    for lang, c in report["language_adapters"].items():
        lines.append(f"| {lang} | {c['texts']:,} | {c['steps']} | {c['reduction_factor']} | "
                     f"{c['first_loss']:.3f} -> {c['last_loss']:.3f} | {c['train_seconds']} |")
    lines += ["", "Use them under a task adapter (train config; add the source language's adapter too):", "",
              "```yaml", yaml.safe_dump({"strategy": report["madx_strategy"]}, sort_keys=False).rstrip(), "```", ""]
    return "\n".join(lines)
