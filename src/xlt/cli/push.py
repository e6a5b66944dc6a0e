"""``xlt push RUN REPO_ID``: publish a run's model, model card and report to the Hugging Face Hub."""

from __future__ import annotations

from pathlib import Path

import typer

from xlt.cli.common import console, friendly_errors, setup_logging


@friendly_errors
def push(
    run: Path = typer.Argument(..., help="a finished run folder (runs/NAME)"),
    repo_id: str = typer.Argument(..., help="the Hub repository, e.g. my-org/sib200-xlmr"),
    private: bool = typer.Option(False, "--private", help="create the repository private"),
    token: str = typer.Option(None, "--token", help="Hub token (default: HF_TOKEN or the one `hf auth login` "
                              "saved)"),
    revision: str = typer.Option(None, "--revision", help="branch to commit to (created where missing)"),
    commit_message: str = typer.Option(None, "--commit-message", "-m", help="the commit message"),
    report: bool = typer.Option(True, "--report/--no-report", help="also upload report.html, report.md and "
                                "metrics.json under xlt/"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Upload the run's model folder with its README.md model card (and the report) to REPO_ID.

    The repository is created if missing; a push to an existing one adds a commit.
    """
    from xlt.deploy.push import push_run

    setup_logging(verbose)
    pushed = push_run(run, repo_id, private=private, token=token, revision=revision,
                      commit_message=commit_message, report=report)
    console.print(f"pushed {len(pushed.files)} files to {pushed.repo_url}")
