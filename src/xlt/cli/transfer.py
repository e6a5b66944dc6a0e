"""``xlt few-shot``, ``xlt continual``, ``xlt merge``: what comes after a zero-shot run."""

from __future__ import annotations

from pathlib import Path

import typer

from xlt.cli.common import SET_HELP, console, friendly_errors, setup_logging


@friendly_errors
def few_shot(
    run: Path = typer.Argument(..., help="a finished run folder (runs/NAME)", exists=True),
    languages: list[str] = typer.Option(..., "--languages", "-l", help="target languages (repeatable)"),
    k: list[int] = typer.Option([0, 8, 32, 128], "--k", help="examples per class (repeatable)"),
    seeds: int = typer.Option(3, help="samples (and trainings) per k"),
    epochs: float = typer.Option(3, help="epochs over each k-shot set"),
    learning_rate: float = typer.Option(None, help="default: the run's training.learning_rate"),
    test_limit: int = typer.Option(None, help="score on a fixed random sample of this many test rows per language"),
    output: Path = typer.Option(None, "--output", "-o", help="default: RUN/few-shot"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Learning curves: continue RUN on k labelled target examples per class (train/dev items only)."""
    from xlt.finetune.config import FewShotConfig
    from xlt.finetune.few_shot import few_shot_for_run

    setup_logging(verbose)
    few_shot_for_run(run, FewShotConfig(languages=languages, k=k, seeds=seeds, epochs=epochs,
                                       learning_rate=learning_rate, test_limit=test_limit), output)
    console.print(f"report: {(output or run / 'few-shot') / 'report.html'}  (also few_shot.json)")


@friendly_errors
def continual(
    config: Path = typer.Argument(..., help="continual config YAML (base_run, data, mitigations)", exists=True),
    set_: list[str] = typer.Option(None, "--set", help=SET_HELP),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Train an existing run further on a new language; gain and forgetting per mitigation."""
    from xlt.finetune.continual.run import ContinualConfig, run_continual

    setup_logging(verbose)
    cfg = ContinualConfig.from_yaml(config, set_)
    run_continual(cfg)
    console.print(f"report: {Path(cfg.output_dir) / cfg.name / 'report.html'}  (also continual.json)")


@friendly_errors
def merge(
    model: Path = typer.Argument(..., help="a run folder or its model/ folder saved by a LoRA run", exists=True),
    output: Path = typer.Argument(..., help="where to write the merged plain transformers model"),
) -> None:
    """Fold LoRA weights into the base model: a plain folder (adapters and prompts cannot be merged)."""
    from xlt.finetune.load import merge_saved

    merge_saved(model, output)
    console.print(f"merged model: {output}")


def register(app: typer.Typer) -> None:
    app.command("few-shot")(few_shot)
    app.command()(continual)
    app.command()(merge)
