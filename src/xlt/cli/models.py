"""``xlt models``: list, provision and inspect models."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Column, Table

from xlt.cli.common import friendly_errors, setup_logging
from xlt.model.builtin import BUILTIN_MODELS, BUILTIN_PREFIX, builtin_path, provision
from xlt.model.spec import ModelSpec

app = typer.Typer(help="List, provision and inspect models.", no_args_is_help=True)
app.command("extend-vocab")(__import__("xlt.cli.vocab", fromlist=["extend_vocab"]).extend_vocab)
out = Console()


@app.command("list")
def list_models() -> None:
    """List the built-in models and whether they are converted yet."""
    table = Table("prefix", "cached", "description")
    table.columns.insert(0, Column("name", overflow="fold", no_wrap=False, min_width=len("builtin:") + 21))
    for name, model in BUILTIN_MODELS.items():
        cached = (builtin_path(name) / "config.json").is_file()
        table.add_row(BUILTIN_PREFIX + name, repr(model.prefix), "yes" if cached else "no", model.description)
    out.print(table)
    out.print("Any local folder or Hugging Face hub id works too, e.g. --set model.name=xlm-roberta-base")


@app.command("provision")
@friendly_errors
def provision_model(
    name: str = typer.Argument(BUILTIN_PREFIX + "multilingual-e5-small", help="built-in model to convert"),
    force: bool = typer.Option(False, help="convert again even if cached"),
) -> None:
    """Convert a built-in model into a Hugging Face folder in $XLT_HOME (once; later runs reuse it)."""
    setup_logging()
    path = provision(name, force=force)
    out.print(f"{name} -> {path}")


@app.command("info")
@friendly_errors
def info(
    model: str = typer.Argument(..., help="builtin:NAME, a local model folder or a hub id"),
    data: str = typer.Option(None, "--data", help="data spec, e.g. builtin:emoji-groups or "
                             "'tsv:$XLT_DATA/sib200/{lang}/test.tsv'"),
    languages: list[str] = typer.Option(None, "--languages", "-l", help="languages of --data to measure"),
    max_length: int = typer.Option(None, help="sequence length used for the truncation share "
                                    "(default: the model's own, else 128)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Parameters, vocabulary, max length and, with --data, per-language tokenizer statistics:
    sub-tokens per word and per character, <unk> rate, share of texts truncated."""
    from xlt.corpus.spec import DataSpec
    from xlt.model.info import model_info

    setup_logging()
    spec = ModelSpec(name=model, max_length=max_length)
    ds = DataSpec.parse(data, languages=languages or None).load() if data else None
    result = model_info(spec, ds)
    if as_json:
        out.print_json(json.dumps(result))
        return
    summary = Table(show_header=False, title=model)
    for key, value in result.items():
        if key != "languages":
            summary.add_row(key, f"{value:,}" if isinstance(value, int) else repr(value))
    out.print(summary)
    if "languages" in result:
        table = Table("language", "texts", "sub-tokens/word", "sub-tokens/char", "<unk> rate", "truncated",
                      title=f"tokenizer on {data}")
        for lang, s in result["languages"].items():
            table.add_row(lang, str(s["texts"]), f"{s['subtokens_per_word']:.2f}",
                          f"{s['subtokens_per_char']:.2f}", f"{100 * s['unk_rate']:.2f}%",
                          f"{100 * s['truncated_share']:.1f}%")
        out.print(table)
