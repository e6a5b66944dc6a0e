"""``xlt models extend-vocab``: add target-language pieces to a model's tokenizer (see
:mod:`xlt.model.vocab_extension`)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from xlt.cli.common import friendly_errors, setup_logging

out = Console()


@friendly_errors
def extend_vocab(
    model: str = typer.Argument(..., help="builtin:NAME or a local model folder (SentencePiece-Unigram tokenizer)"),
    corpus: list[str] = typer.Option(..., "--corpus", help="target-language raw text, one sentence or document per "
                                     "line ($XLT_DATA expanded; repeatable)"),
    lang: str = typer.Option(..., "--lang", help="the corpus language (recorded)"),
    new_tokens: int = typer.Option(1000, "--new-tokens", help="how many pieces to add at most"),
    init: str = typer.Option("mean", "--init", help="mean (of the old pieces of the same string) or focus "
                             "(sparsemax-weighted mix of similar old tokens, FOCUS-style)"),
    heldout: list[str] = typer.Option(None, "--heldout", help="held-out text of the language: fertility before/after"),
    learn_vocab_size: int = typer.Option(None, "--learn-vocab-size", help="size of the Unigram model learned on "
                                         "the corpus (default max(2 x new tokens, 8000))"),
    output: Path = typer.Option(..., "--out", "-o", help="folder of the extended model"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Learn pieces from a target-language corpus, add those the tokenizer lacks, initialise their embeddings
    from the old model, save a model that loads with transformers and xlt train; show fertility before/after."""
    from xlt.corpus.readers.raw_text import read_raw_texts
    from xlt.model.vocab_extension import extend_vocabulary

    setup_logging(verbose)
    texts = read_raw_texts(corpus, lang=lang)["text"][:]
    held = read_raw_texts(heldout, lang=lang)["text"][:] if heldout else None
    report = extend_vocabulary(model, texts, output, new_tokens=new_tokens, init=init, lang=lang,  # type: ignore[arg-type]
                               learn_vocab_size=learn_vocab_size, heldout=held)
    table = Table("text", "sub-tokens/word before", "after", "sub-tokens/char before", "after",
                  title=f"{len(report.added)} pieces added ({init}); e.g. {list(report.added.values())[:6]}")
    for name, f in report.fertility.items():
        table.add_row(name, f"{f['before']['subtokens_per_word']:.3f}", f"{f['after']['subtokens_per_word']:.3f}",
                      f"{f['before']['subtokens_per_char']:.3f}", f"{f['after']['subtokens_per_char']:.3f}")
    out.print(table)
    if report.mean_fallback:
        out.print(f"{report.mean_fallback} pieces were too rare for the focus space and got the mean init")
    out.print(f"model: {output}  (details in {output / 'vocab_extension.json'})")
