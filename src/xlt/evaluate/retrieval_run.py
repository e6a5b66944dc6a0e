"""``xlt evaluate MODEL --task retrieval``: bitext retrieval of a model, written as metrics, predictions and report.

Each language pair is a row of the report; the four systems are the two scores (cosine, ratio margin)
in the two directions (``xx→en``: every source sentence looks for its translation among all target
sentences; ``en→xx`` the other way). Accuracies get bootstrap intervals like every other xlt score. The
input prefix is recorded in ``metrics.json`` and shown in the report. On multi-parallel data (every
language translates the same target sentences, as NTREX and PUD do) a language × language matrix of
margin accuracy is added, English included.

>>> run_retrieval("builtin:multilingual-e5-small", "tatoeba", prefix="query: ", output="runs/x")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from xlt.corpus.readers.parallel import ParallelSpec
from xlt.evaluate.report import rich_table, write_report
from xlt.evaluate.retrieval import DEFAULT_K, METHODS, Match, correct, nearest, retrieval_with_vectors
from xlt.evaluate.scores import score_systems
from xlt.io import write_json, write_jsonl
from xlt.run_folder import RunFolder, RunInfo

DIRECTIONS = ("src->tgt", "tgt->src")


def system_name(method: str, direction: str, tgt_lang: str) -> str:
    """Report column of a score and direction, e.g. ``margin xx→eng``.

    >>> system_name("cosine", "tgt->src", "en")
    'cosine en→xx'
    """
    return f"{method} xx→{tgt_lang}" if direction == "src->tgt" else f"{method} {tgt_lang}→xx"


def is_multi_parallel(pairs: dict[str, Any]) -> bool:
    """Whether every language pairs the same target sentences under the same ids (NTREX, PUD; not Tatoeba)."""
    sets = list(pairs.values())
    if len(sets) < 2:
        return False
    first_ids, first_tgt = sets[0]["id"][:], sets[0]["tgt"][:]
    return all(ds["id"][:] == first_ids and ds["tgt"][:] == first_tgt for ds in sets[1:])


def language_matrix(vectors: dict[str, tuple[np.ndarray, np.ndarray]], tgt_lang: str, *, k: int = DEFAULT_K,
                    method: str = "margin") -> dict[str, dict[str, float]]:
    """Source language -> target language -> retrieval accuracy, over every ordered pair of languages
    (``tgt_lang`` included) of multi-parallel data; the diagonal is left out."""
    by_lang = {tgt_lang: next(iter(vectors.values()))[1], **{lang: x for lang, (x, _) in vectors.items()}}
    out: dict[str, dict[str, float]] = {}
    for a, xa in by_lang.items():
        out[a] = {}
        for b, xb in by_lang.items():
            if a != b:
                out[a][b] = float(np.mean(nearest(xa, xb, method, k=k) == np.arange(len(xa))))  # type: ignore[arg-type]
    return out


def run_retrieval(model: str | Path, data: str, *, languages: Sequence[str] | None = None, prefix: str | None = None,
                  tgt_lang: str | None = None, k: int = DEFAULT_K, match: Match = "index", limit: int | None = None,
                  output: str | Path | None = None, batch_size: int = 64, max_length: int | None = None,
                  n_resamples: int = 1000, seed: int = 0, show: bool = True, device: str = "auto",
                  dtype: str = "auto") -> dict[str, Any]:
    """Evaluate bitext retrieval of ``model`` on the parallel data ``data`` (see
    :class:`~xlt.corpus.readers.parallel.ParallelSpec`); write ``metrics.json``, ``predictions/<lang>.jsonl``
    and the report to ``output`` (default ``runs/retrieval-<data>``). Returns the metrics. ``tgt_lang``: the
    language of the target side, which ``lines:SRC|TGT`` and ``pud:SRC|TGT`` do not say (a preset knows it)."""
    spec = ParallelSpec.parse(data, languages=list(languages) if languages else None, limit=limit, tgt_lang=tgt_lang)
    pairs = spec.load_pairs()
    result, vectors = retrieval_with_vectors(str(model), pairs, prefix=prefix, k=k, match=match,
                                             batch_size=batch_size, max_length=max_length, return_picks=True,
                                             device=device, dtype=dtype)
    tgt_lang = spec.tgt_lang
    predictions: dict[str, dict[str, tuple[list[str], list[str]]]] = {
        system_name(m, d, tgt_lang): {} for d in DIRECTIONS for m in METHODS}
    run = RunFolder(Path(output) if output else Path("runs") / f"retrieval-{spec.name}")
    for lang, ds in pairs.items():
        src, tgt, ids = ds["src"][:], ds["tgt"][:], ds["id"][:]
        picks = result["pairs"][lang].pop("picks")
        records = [{"id": i, "src": s, "tgt": t} for i, s, t in zip(ids, src, tgt, strict=True)]
        for direction in DIRECTIONS:
            found = tgt if direction == "src->tgt" else src
            for method in METHODS:
                pick = picks[direction][method]
                ok = correct(np.asarray(pick), texts=found if match == "text" else None)
                gold = [str(i) for i in range(len(pick))]
                # a text match counts as the gold index, so that the accuracy metric agrees with `match`
                predicted = [str(i) if hit else str(p) for i, (p, hit) in enumerate(zip(pick, ok, strict=True))]
                name = system_name(method, direction, tgt_lang)
                predictions[name][lang] = (gold, predicted)
                for record, p, hit in zip(records, pick, ok, strict=True):
                    record[f"{name}: found"] = found[p]
                    record[f"{name}: correct"] = hit
        write_jsonl(run.predictions / f"{lang}.jsonl", records)

    scores = score_systems(predictions, [], metrics=("accuracy",), primary="accuracy", seed=seed,
                           n_resamples=n_resamples)
    per_pair = {f"{lang}–{row['tgt_lang']}": {
        system_name(m, d, tgt_lang): row[d][m] for d in DIRECTIONS for m in METHODS} | {"n": row["n"]}
        for lang, row in result["pairs"].items()}
    tables: dict[str, Any] = {"Retrieval accuracy per language pair": per_pair}
    matrix = None
    if is_multi_parallel(pairs):
        matrix = language_matrix(vectors, tgt_lang, k=k)
        tables["Retrieval accuracy (margin), source language × target language"] = matrix
    run_info = RunInfo(
        name=f"retrieval: {result['model']} on {spec.name}", task="retrieval", model=result["model"],
        prefix=result["prefix"], prefix_source=result["prefix_source"], pooling=result["pooling"],
        pooling_source=result["pooling_source"], data=spec.model_dump(exclude_none=True), zero_shot=True,
        **{key: result[key] for key in ("sentence_modules", "sentence_modules_source") if result.get(key)},
        zero_shot_note=f"No training: the model's sentence vectors as they are; margin = ratio margin over "
                          f"the k={k} nearest neighbours (Artetxe & Schwenk 2019, LASER xSIM); a pick counts as "
                          f"right when it is {'the aligned sentence' if match == 'index' else 'the same text'}.",
    )
    metrics = {**scores, "retrieval": result, "matrix": matrix, "tables": tables, "run": run_info.as_dict(),
               "output": str(run.root)}
    write_json(run.run_info, run_info.as_dict())
    write_json(run.metrics, metrics)
    write_report(scores, run_info, run.root, extra_tables=tables)
    if show:
        from rich.console import Console

        Console().print(rich_table(scores))
    return metrics
