"""``xlt risk``: what to expect of a language before labelling any of it (:mod:`xlt.evaluate.transfer_risk`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from xlt.cli.common import SET_HELP, console, friendly_errors, setup_logging
from xlt.errors import ConfigError
from xlt.model.builtin import BUILTIN_PREFIX

if TYPE_CHECKING:  # xlt.evaluate loads on use: `xlt --help` stays fast
    from xlt.evaluate.transfer_risk import TransferRisk

out = Console()
DEFAULT_MODEL = BUILTIN_PREFIX + "multilingual-e5-small"
DEFAULT_SAMPLE = 2000  # xlt.evaluate.transfer_risk.DEFAULT_SAMPLE, written out for the same reason

EPILOG = """\
A source or target file holds one text per line (blank lines skipped; $XLT_DATA expanded only in configs).\n\n
Examples:\n\n
  xlt risk --source en.txt --target sw=sw.txt --target de=de.txt\n\n
  xlt risk --source en=train_en.txt --target ru=ru.txt --model ./my-model   (another model's tokenizer)\n\n
  xlt risk --config examples/sib200.yaml   (a config's train split against each of its test languages)\n\n
  xlt risk --config runs/sib200/config.yaml --scores runs/sib200/metrics.json   (and how well it predicted)
"""

@friendly_errors
def risk(
    source: list[str] = typer.Option(None, "--source", "-s", help="the language you have labels in: a text file, "
                                     "one text per line, as [LANG=]PATH (LANG defaults to the file name; "
                                     "repeatable: all of them are the source)"),
    target: list[str] = typer.Option(None, "--target", "-t", help="a language you might transfer to, as "
                                     "LANG=PATH (or PATH), one text per line, no labels needed (repeatable)"),
    config: Path = typer.Option(None, "--config", "-c", exists=True, dir_okay=False, help="a training config "
                                "instead of files: its train split is the source, each test language a target, "
                                "its model the tokenizer (the numbers xlt train writes to transfer_risk.json)"),
    set_: list[str] = typer.Option(None, "--set", help=f"with --config: {SET_HELP}"),
    model: str = typer.Option(None, "--model", "-m", help="whose tokenizer: builtin:NAME, a model folder or a hub "
                              f"id (default: the config's model, else {DEFAULT_MODEL})"),
    sample: int = typer.Option(DEFAULT_SAMPLE, "--sample", min=1, help="texts read per language at most (a "
                               "seeded random sample)"),
    seed: int = typer.Option(None, "--seed", help="the sample's seed (default: the config's training.seed, else 0)"),
    scores: Path = typer.Option(None, "--scores", exists=True, dir_okay=False, help="a finished run's metrics.json: "
                                "also the Spearman correlation between risk and xlt's score over its target "
                                "languages, and how many of the lowest-scoring ones were flagged"),
    output: Path = typer.Option(None, "--output", "-o", help="also write the whole result (TransferRisk) as JSON"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """How far each target language is from the source, for this model's tokenizer, from texts alone.

    Per language: tokenizer pieces per word and its ratio to the source's, the share of unknown pieces, and
    the share of letters in scripts the source texts never show. Each is compared with a threshold (novel
    script >= 50%, unk >= 1%, ratio >= 1.5); the risk score is the largest as a multiple of its threshold, and
    a language at 1 or more is flagged: its input looks unlike anything fine-tuning will show the model.

    A warning, not a forecast: on emoji-groups and SIB-200 the score did not rank the languages' zero-shot
    scores (bench/RESULTS.md). Label a few examples of a flagged language to know (xlt few-shot), or extend
    the vocabulary where unknown pieces flag it (xlt models extend-vocab).
    """
    setup_logging(verbose)
    result = _risk(source or [], target or [], config, set_ or [], model, sample, seed)
    if scores is not None:
        from xlt.evaluate.transfer_risk import target_scores

        results = json.loads(scores.read_text("utf-8"))
        result = result.with_scores(target_scores(results), metric=results["primary_metric"])
    out.print(risk_table(result))
    out.print(result.note())
    if output is not None:
        from xlt.io import write_json

        write_json(output, result.model_dump(mode="json"))
        console.print(f"written: {output}")


def _risk(source: list[str], target: list[str], config: Path | None, overrides: list[str], model: str | None,
          sample: int, seed: int | None) -> TransferRisk:
    if config is not None:
        if source or target:
            raise ConfigError("give --config or --source/--target files, not both")
        from xlt.finetune.config import TrainConfig
        from xlt.finetune.config_risk import config_risk

        return config_risk(TrainConfig.from_yaml(config, overrides), model=model, sample=sample, seed=seed)
    if overrides:
        raise ConfigError("--set changes a --config; without one there is nothing to change")
    if not source or not target:
        raise ConfigError("give --source and at least one --target text file (or --config); see xlt risk --help")
    from xlt.corpus.readers.raw_text import read_raw_text
    from xlt.evaluate.transfer_risk import transfer_risk
    from xlt.model.loader import load_tokenizer
    from xlt.model.spec import ModelSpec

    sources = [_named(item, "--source") for item in source]
    targets: dict[str, list[str]] = {}
    for lang, path in (_named(item, "--target") for item in target):
        targets.setdefault(lang, []).extend(read_raw_text(path, lang=lang)["text"])
    texts = [text for lang, path in sources for text in read_raw_text(path, lang=lang)["text"]]
    name = model or DEFAULT_MODEL
    return transfer_risk(load_tokenizer(ModelSpec(name=name)), texts, targets,
                         source_languages=list(dict.fromkeys(lang for lang, _ in sources)), sample=sample,
                         seed=seed or 0, tokenizer_name=name)


def _named(item: str, option: str) -> tuple[str, Path]:
    """``LANG=PATH`` or ``PATH`` (the language is the file name without its suffix) -> (language, path)."""
    lang, sep, path = item.partition("=")
    if not sep:
        lang, path = Path(item).stem, item
    if not lang or not path:
        raise ConfigError(f"{option} {item!r}: expected LANG=PATH or PATH")
    if not Path(path).is_file():
        raise ConfigError(f"{option} {item!r}: no such file {path}")
    return lang, Path(path)


def risk_table(result: TransferRisk) -> Table:
    """One row per language (the source texts first): the report's columns, and the novel scripts by name."""
    table = Table("language", "texts", "pieces/word", "ratio to source", "unk %", "novel-script %", "novel scripts",
                  "risk score", "flag", title=f"Transfer risk ({result.tokenizer})")
    rows = result.rows()
    for label, r in rows:
        table.add_row(label, f"{r.texts:,}", f"{r.pieces_per_word:.2f}", f"{r.ratio_to_source:.2f}",
                      f"{100 * r.unk_rate:.2f}", f"{100 * r.novel_script_share:.1f}",
                      ", ".join(r.novel_scripts) or "-", f"{r.risk_score:.2f}",
                      "[bold red]yes[/]" if r.flagged else "no", end_section=label == rows[0][0])
    return table
