"""``xlt variants``: the accuracy / speed / size table of a run's model and its exported variants."""

from __future__ import annotations

from pathlib import Path

import typer

from xlt.cli.common import console, friendly_errors, setup_logging


@friendly_errors
def variants(
    run: Path = typer.Argument(..., help="a run folder with exports/ (see xlt export)", exists=True,
                               file_okay=False),
    only: list[str] = typer.Option(None, "--only", help="variant names to include (repeatable; default all)"),
    speed_texts: int = typer.Option(256, "--speed-texts", help="test texts timed per round"),
    rounds: int = typer.Option(3, "--rounds", help="round-robin timing rounds (median kept)"),
    limit: int = typer.Option(None, "--limit", help="first N test rows per language (quick look)"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Evaluate every variant on the run's test split and time them together; writes RUN/variants.md."""
    from xlt.deploy.variant_table import compare_variants, markdown_table

    setup_logging(verbose)
    result = compare_variants(run, names=only or None, speed_texts=speed_texts, rounds=rounds, limit=limit)
    console.print(markdown_table(result), markup=False, highlight=False)
    console.print(f"table: {Path(run) / 'variants.md'}")
