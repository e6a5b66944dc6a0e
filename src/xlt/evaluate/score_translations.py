r"""Score an external system's translations: hypothesis file(s) against a reference file, line by line.

Same metrics, signatures and bootstrap intervals as a trained translation run (sacreBLEU BLEU and chrF,
tokenizer from the target language). ``--source`` adds the copy-the-source baseline.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "ref.es").write_text("El perro duerme.\nLa casa es grande.\n", encoding="utf-8")
>>> _ = (folder / "out.es").write_text("El perro duerme.\nLa casa está grande.\n", encoding="utf-8")
>>> _ = (folder / "src.en").write_text("The dog sleeps.\nThe house is big.\n", encoding="utf-8")
>>> r = score_translation_files([folder / "out.es"], folder / "ref.es", target_lang="spa",
...                             source=folder / "src.en", n_resamples=50, show=False)
>>> {system: round(r["systems"][system]["languages"]["spa"]["bleu"], 2) for system in r["systems"]}
{'out.es': 0.54, 'copy-source': 0.08}
>>> sorted(p.name for p in (folder / "out.es-eval").iterdir())
['metrics.json', 'report.html', 'report.md', 'report_scores.png']
"""

from __future__ import annotations

from pathlib import Path

from xlt.corpus.readers.lines import numbered_lines
from xlt.errors import DataError
from xlt.evaluate.report import rich_table, write_report
from xlt.evaluate.scores import score_systems
from xlt.io import write_json
from xlt.run_folder import RunInfo

TRANSLATION_METRICS = ("bleu", "chrf")


def read_segments(path: str | Path) -> list[str]:
    """One segment per line, line endings (``\\n`` or ``\\r\\n``) and surrounding spaces removed."""
    return [line.strip() for _, line in numbered_lines(path)]


def score_translation_files(hypotheses: list[str | Path], references: str | Path, *, target_lang: str,
                            source: str | Path | None = None, output: str | Path | None = None,
                            seed: int = 0, n_resamples: int = 1000, show: bool = True) -> dict:
    """Score each hypothesis file (a system named after the file) against ``references``.

    Writes ``metrics.json`` and the report to ``output`` (default: ``<first hypothesis>-eval``).
    """
    refs = read_segments(references)
    predictions: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
    files = [(Path(h).name, h) for h in hypotheses]
    if source is not None:
        files.append(("copy-source", source))
    for name, path in files:
        hyps = read_segments(path)
        if len(hyps) != len(refs):
            raise DataError(f"{len(hyps)} lines, but the references {references} have {len(refs)}: the files must "
                            "be line-aligned", path=path, line=min(len(hyps), len(refs)) + 1)
        predictions[name] = {target_lang: (refs, hyps)}
    results = score_systems(predictions, [], metrics=TRANSLATION_METRICS, primary="bleu", seed=seed,
                            n_resamples=n_resamples)
    target = Path(output) if output else Path(str(hypotheses[0]) + "-eval")
    run_info = RunInfo(name=f"translations into {target_lang} scored against {references}", task="translation",
                       zero_shot=True, zero_shot_note="Scoring of external translations.")
    write_json(target / "metrics.json", {**results, "run": run_info.as_dict()})
    write_report(results, run_info, target)
    if show:
        from rich.console import Console

        Console().print(rich_table(results))
    return results
