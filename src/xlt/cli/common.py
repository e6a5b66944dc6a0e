"""Shared CLI plumbing: logging, and turning xlt errors into one clear line instead of a traceback."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape

from xlt.errors import XltError

console = Console(stderr=True)


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s",
                        handlers=[RichHandler(console=console, show_path=False)], force=True)
    logging.getLogger("xlt").setLevel(logging.DEBUG if verbose else logging.INFO)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if not verbose:
        import transformers

        transformers.logging.set_verbosity_error()


def friendly_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Show XltError (bad data, config or model) as ``error: message`` and exit with status 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except XltError as err:
            console.print(f"[bold red]error:[/] {escape(str(err))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            console.print("[bold yellow]interrupted[/] (nothing half-written was kept)")
            raise typer.Exit(130) from None

    return wrapper


SET_HELP = "override one config field, e.g. --set training.epochs=2 --set strategy.name=lora (repeatable)"
