"""``xlt tune CONFIG --trials N``: hyper-parameter search on the source-language dev score (Optuna).

Registered in :mod:`xlt.cli.main` with one line; the work is :func:`xlt.tune.tune`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from xlt.cli.common import console, friendly_errors, setup_logging
from xlt.extras import require

SET_HELP = "override one field of the training part, e.g. --set data.pool.limit=300 (repeatable)"


@friendly_errors
def tune(
    config: Path = typer.Argument(..., help="training config with a 'search:' section "
                                  "(see examples/tune_emoji_groups.yaml)", exists=True, dir_okay=False),
    trials: int = typer.Option(20, "--trials", "-n", help="finished trials the study should hold; each worker "
                               "runs trials until the study has this many"),
    study: str = typer.Option(None, "--study", help="study name (default: the config's name); workers sharing "
                              "one study give the same name and --storage"),
    storage: str = typer.Option(None, "--storage", help="SQLAlchemy URL, e.g. postgresql+psycopg2://user@host/db "
                                "(default: SQLite in the study folder)"),
    seed: int = typer.Option(None, "--seed", help="sampler seed (default: tune.seed); give each worker its own"),
    final: bool = typer.Option(None, "--final/--no-final", help="after the search, train the best and the default "
                               "config and compare their target scores (default: tune.final)"),
    timeout: float = typer.Option(None, "--timeout", help="stop starting trials after this many seconds"),
    set_: list[str] = typer.Option(None, "--set", help=SET_HELP),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Search the config's 'search:' space with Optuna (TPE + pruning); write best.yaml and a report.

    The objective is the best source-language dev score; target languages are scored only by the two
    final runs (best and default config), never during the search.
    """
    require("tune")
    from xlt.tune import load_tune_config
    from xlt.tune import tune as run_tune

    setup_logging(verbose)
    result = run_tune(load_tune_config(config, set_ or []), trials, study_name=study, storage=storage, seed=seed,
                      final=final, timeout=timeout)
    best = result.summary["best"]
    console.print(f"best trial {best['number']}: source-dev {best['source_dev']:.4f} {best['params']}")
    console.print(f"best config: {result.best_config}  (xlt train {result.best_config})")
    console.print(f"report: {result.report['html']}  (also report.md, study.json)")
