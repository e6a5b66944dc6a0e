"""``xlt``: carry a task learned in one language to many others.

Typical session::

    xlt models provision                       # convert the built-in model once
    xlt demo                                   # English -> 13 languages, zero-shot, with baselines
    xlt train examples/sib200.yaml --set training.epochs=2
    xlt evaluate runs/sib200 --data 'sib200:$XLT_DATA/sib200/{lang}/test.tsv' -l deu_Latn -l fra_Latn
"""

from __future__ import annotations

from pathlib import Path

import typer

from xlt.cli import models, transfer
from xlt.cli.common import console, friendly_errors, setup_logging

app = typer.Typer(
    help="xlt: train a task in one language, use it in many (cross-lingual transfer).",
    no_args_is_help=True, rich_markup_mode="rich", pretty_exceptions_enable=False,
)
app.add_typer(models.app, name="models")
transfer.register(app)  # few-shot, continual, merge

SET_HELP = "override one config field, e.g. --set training.epochs=2 --set strategy.name=lora (repeatable)"


def _report_paths(root: Path) -> None:
    console.print(f"report: {root / 'report.html'}  (also report.md, metrics.json, predictions/)")


@app.command()
@friendly_errors
def train(
    config: Path = typer.Argument(..., help="YAML config (see examples/)", exists=True, dir_okay=False),
    set_: list[str] = typer.Option(None, "--set", help=SET_HELP),
    resume: bool = typer.Option(False, "--resume", help="continue from the run's last checkpoint"),
    overwrite: bool = typer.Option(False, "--overwrite", help="delete an existing run folder of this name"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Fine-tune on the source language(s), then evaluate every test language with the baselines.

    Ctrl-C saves a checkpoint; run the same command with --resume to continue.
    """
    from xlt.finetune.config import TrainConfig
    from xlt.finetune.train import train as run_training

    setup_logging(verbose)
    cfg = TrainConfig.from_yaml(config, set_ or [])
    run = run_training(cfg, resume=resume, overwrite=overwrite)
    _report_paths(run.root)


@app.command()
@friendly_errors
def evaluate(
    run_or_model: Path = typer.Argument(..., help="a run folder (runs/NAME) or a saved model folder",
                                        exists=True),
    data: str = typer.Option(..., "--data", "-d", help="data spec: builtin:emoji-groups, "
                             "'sib200:$XLT_DATA/sib200/{lang}/test.tsv', xnli, a .jsonl/.csv/.tsv or a YAML spec"),
    languages: list[str] = typer.Option(None, "--languages", "-l", help="languages to evaluate (repeatable)"),
    baselines: bool = typer.Option(False, "--baselines", help="also fit and score the baselines "
                                   "(run folders only)"),
    output: Path = typer.Option(None, "--output", "-o", help="where to write metrics and report"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Score a trained model on every language of --data in one pass: metrics JSON and report."""
    from xlt.evaluate.evaluate_saved import evaluate_saved

    setup_logging(verbose)
    evaluate_saved(run_or_model, data, languages=languages or None, baselines=baselines, output=output)


@app.command()
@friendly_errors
def demo(
    output_dir: Path = typer.Option(Path("runs"), help="where the run folder goes"),
    set_: list[str] = typer.Option(None, "--set", help=SET_HELP),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Train on English built-in emoji-groups, evaluate zero-shot on 13 languages with both baselines."""
    from xlt.demo import demo_config
    from xlt.finetune.train import train as run_training

    setup_logging(verbose)
    run = run_training(demo_config(str(output_dir), set_ or []), overwrite=True)
    _report_paths(run.root)


if __name__ == "__main__":
    app()
