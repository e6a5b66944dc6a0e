"""Bitext retrieval: find each sentence's translation among all target sentences by embedding similarity.

Two scores pick the neighbour, both on L2-normalised sentence vectors:

- ``cosine``: the target with the highest cosine similarity (XTREME's Tatoeba/BUCC evaluation).
- ``margin``: the ratio margin of Artetxe & Schwenk (2019), as LASER's xSIM computes it. For a source
  ``x`` and target ``y``: ``margin(x, y) = cos(x, y) / ((r_x + r_y) / 2)`` where ``r_x`` is the mean
  cosine of ``x`` to its ``k`` nearest targets and ``r_y`` that of ``y`` to its ``k`` nearest sources
  (``k = 4``). The candidates are the ``k`` nearest targets of ``x`` by cosine; the one with the highest
  margin wins. Dividing by the neighbourhood density penalises *hubs*, targets that are close to many
  sources, which cosine alone keeps returning.

Accuracy is the share of sources whose pick is the aligned target (same index), or, with
``match="text"``, whose pick has the same text as the aligned target (LASER's ``eval_text``; counts a
duplicate sentence as correct).

Written with numpy rather than taken from a library: faiss/LASER are not dependencies here, and the
sets are small (thousands of sentences), so exact blockwise matrix products are fast enough.

>>> import numpy as np
>>> src = np.array([[1.0, 0.1], [0.1, 1.0]])
>>> tgt = np.array([[0.9, 0.0], [0.0, 0.8]])
>>> nearest(src, tgt, "cosine").tolist(), nearest(src, tgt, "margin", k=1).tolist()
([0, 1], [0, 1])
>>> accuracy(np.array([0, 0]))
0.5
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from xlt.corpus.readers.parallel import ParallelSpec
from xlt.device import resolve_device, resolve_dtype
from xlt.errors import ConfigError, DataError
from xlt.model.embed import embed_texts
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.model.spec import ModelSpec
from xlt.model.st_modules import SentenceVectors

log = logging.getLogger("xlt")

Method = Literal["cosine", "margin"]
METHODS: tuple[str, ...] = ("cosine", "margin")
Match = Literal["index", "text"]
#: Neighbourhood size of the margin (LASER/xSIM default).
DEFAULT_K = 4
_BLOCK = 2048  # rows of the similarity matrix computed at a time (memory stays ~ BLOCK x n floats)


def normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero), as float32.

    >>> normalise(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2:
        raise DataError(f"embeddings must be a 2-D array (rows = sentences), got shape {x.shape}")
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def _top_k(a: np.ndarray, b: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``a``: the cosines and indices of its ``k`` most similar rows of ``b``, best first
    (ties: lower index first). Both inputs are normalised."""
    sims = np.empty((len(a), k), dtype=np.float32)
    idx = np.empty((len(a), k), dtype=np.int64)
    for start in range(0, len(a), _BLOCK):
        block = a[start:start + _BLOCK] @ b.T
        order = np.argsort(-block, axis=1, kind="stable")[:, :k]
        idx[start:start + _BLOCK] = order
        sims[start:start + _BLOCK] = np.take_along_axis(block, order, axis=1)
    return sims, idx


def _check(src: np.ndarray, tgt: np.ndarray, k: int) -> int:
    if src.shape[1] != tgt.shape[1]:
        raise DataError(f"source vectors have {src.shape[1]} dimensions, target vectors {tgt.shape[1]}")
    if len(src) == 0 or len(tgt) == 0:
        raise DataError("nothing to retrieve: no source or no target sentences")
    if k < 1:
        raise ConfigError(f"margin k must be at least 1, got {k}")
    return min(k, len(src), len(tgt))


def nearest(src: np.ndarray, tgt: np.ndarray, method: Method = "cosine", *, k: int = DEFAULT_K) -> np.ndarray:
    """The index of the retrieved target for every source row, by ``cosine`` or ratio ``margin`` (k
    neighbours; ``k`` larger than either set is cut to its size)."""
    if method not in METHODS:
        raise ConfigError(f"unknown retrieval score {method!r}; use one of {list(METHODS)}")
    x, y = normalise(src), normalise(tgt)
    k = _check(x, y, k)
    if method == "cosine":
        return _top_k(x, y, 1)[1][:, 0]
    cos_xy, idx_xy = _top_k(x, y, k)
    r_x = cos_xy.mean(axis=1)
    r_y = _top_k(y, x, k)[0].mean(axis=1)
    margins = cos_xy / ((r_x[:, None] + r_y[idx_xy]) / 2)
    return idx_xy[np.arange(len(x)), np.argmax(margins, axis=1)]


def accuracy(picked: np.ndarray, *, texts: Sequence[str] | None = None) -> float:
    """Share of sources ``i`` whose pick is target ``i`` (or, given the target ``texts``, a target with
    the same text as target ``i``).

    >>> accuracy(np.array([1, 1]), texts=["a", "a"])
    1.0
    """
    picked = np.asarray(picked)
    if texts is None:
        return float(np.mean(picked == np.arange(len(picked))))
    return float(np.mean([texts[p] == texts[i] for i, p in enumerate(picked)]))


def correct(picked: np.ndarray, *, texts: Sequence[str] | None = None) -> list[bool]:
    """Per source: whether its pick counts as right (see :func:`accuracy`)."""
    if texts is None:
        return [int(p) == i for i, p in enumerate(picked)]
    return [texts[int(p)] == texts[i] for i, p in enumerate(picked)]


def bitext_picks(src: np.ndarray, tgt: np.ndarray, *, k: int = DEFAULT_K) -> dict[str, dict[str, np.ndarray]]:
    """Picks in both directions by both scores: ``{"src->tgt": {"cosine": idx, "margin": idx},
    "tgt->src": {...}}``; row ``i`` of ``src`` and of ``tgt`` are translations."""
    if len(src) != len(tgt):
        raise DataError(f"{len(src)} source but {len(tgt)} target vectors; aligned pairs need as many of each")
    return {"src->tgt": {m: nearest(src, tgt, m, k=k) for m in METHODS},  # type: ignore[arg-type]
            "tgt->src": {m: nearest(tgt, src, m, k=k) for m in METHODS}}  # type: ignore[arg-type]


def bitext_accuracy(src: np.ndarray, tgt: np.ndarray, *, k: int = DEFAULT_K, match: Match = "index",
                    src_texts: Sequence[str] | None = None,
                    tgt_texts: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    """Accuracy in both directions by both scores (see :func:`bitext_picks`).

    >>> v = np.eye(3)
    >>> bitext_accuracy(v, v)["tgt->src"]
    {'cosine': 1.0, 'margin': 1.0}
    """
    if match == "text" and (src_texts is None or tgt_texts is None):
        raise ConfigError("match='text' needs the source and target texts")
    texts = {"src->tgt": tgt_texts if match == "text" else None, "tgt->src": src_texts if match == "text" else None}
    return {direction: {m: accuracy(p, texts=texts[direction]) for m, p in picks.items()}
            for direction, picks in bitext_picks(src, tgt, k=k).items()}


# --- on a model ---------------------------------------------------------------------------------------


def _as_pairs(pairs: Any, languages: Sequence[str] | None) -> dict[str, Any]:
    """Language -> parallel dataset (or a (src list, tgt list) tuple) from the forms evaluate_retrieval takes."""
    import datasets

    if isinstance(pairs, str | Path | ParallelSpec):
        return ParallelSpec.parse(pairs, languages=list(languages) if languages else None).load_pairs()
    if isinstance(pairs, datasets.Dataset):
        langs = list(dict.fromkeys(pairs["src_lang"][:]))
        out = {lang: pairs.filter(lambda r, lang=lang: r["src_lang"] == lang) for lang in langs}
    elif isinstance(pairs, Mapping):
        out = dict(pairs)
    else:
        raise ConfigError("pairs must be a parallel data spec (e.g. 'tatoeba'), a ParallelSpec, a parallel "
                          "dataset, or a mapping language -> dataset or (sources, targets)")
    return {lang: value for lang, value in out.items() if not languages or lang in languages}


def _texts(value: Any, lang: str) -> tuple[list[str], list[str], str]:
    if isinstance(value, tuple) and len(value) == 2:
        src, tgt = list(value[0]), list(value[1])
        tgt_lang = "en"
    else:
        src, tgt = list(value["src"][:]), list(value["tgt"][:])
        tgt_lang = value["tgt_lang"][0] if len(value) else "en"
    if len(src) != len(tgt) or not src:
        raise DataError(f"{lang}: {len(src)} source and {len(tgt)} target sentences; need aligned, non-empty pairs")
    return src, tgt, tgt_lang


def embed_with(model: Any, texts: Sequence[str], *, prefix: str, batch_size: int, max_length: int,
               vectors: SentenceVectors | None = None) -> np.ndarray:
    """Sentence vectors of ``texts`` with ``prefix`` put in front; ``model`` is ``(encoder, tokenizer)``, and
    ``vectors`` what the model's sentence-transformers files add to the pooling."""

    encoder, tokenizer = model
    return embed_texts(encoder, tokenizer, [prefix + t for t in texts], batch_size=batch_size,
                       max_length=max_length, desc="retrieval", vectors=vectors)


def load_model(model: Any, *, max_length: int | None = None, device: str = "auto",
               dtype: str = "auto") -> tuple[Any, Any, Any]:
    """``(encoder, tokenizer, ModelSpec)`` for a model name, folder, ModelSpec or an (encoder, tokenizer); a
    model loaded here goes to ``device`` (``auto``: a GPU where there is one) in ``dtype`` (``auto``: bfloat16
    on a CUDA GPU that has it, else float32; the vectors come back as float32)."""

    if isinstance(model, tuple):
        return model[0], model[1], None
    spec = model if isinstance(model, ModelSpec) else ModelSpec(name=str(model))
    if max_length is not None:
        spec = spec.model_copy(update={"max_length": max_length})
    device = resolve_device(device)
    encoder = load_encoder(spec).to(device)
    if dtype not in (None, "auto") or spec.dtype is None:  # a spec's own dtype stands unless one is named here
        encoder.to(dtype=resolve_dtype(dtype, device))
    return encoder, load_tokenizer(spec), spec


def evaluate_retrieval(model: Any, pairs: Any, *, prefix: str | None = None, languages: Sequence[str] | None = None,
                       k: int = DEFAULT_K, match: Match = "index", batch_size: int = 64,
                       max_length: int | None = None, return_picks: bool = False) -> dict[str, Any]:
    """Bitext retrieval accuracy of ``model`` on ``pairs``, per language pair, both directions, both scores.

    ``model``: ``builtin:multilingual-e5-small``, a model folder (e.g. one ``xlt pretrain`` wrote), a
    :class:`~xlt.model.spec.ModelSpec`, or an ``(encoder, tokenizer)`` tuple already loaded. ``pairs``: a
    parallel spec (``"tatoeba"``, ``"ntrex"``, ``"pud"``, ``"lines:SRC|TGT"``, see
    :class:`~xlt.corpus.readers.parallel.ParallelSpec`), a parallel dataset, or a mapping language ->
    dataset / ``(sources, targets)``. ``prefix``: put before every sentence; ``None`` takes the model's
    own (e5: ``"query: "``); pass ``""`` for none. It is recorded in the result.

    Returns ``{"model", "prefix", "prefix_source", "pooling", "pooling_source", "include_prompt",
    "sentence_modules" (e.g. ``"Dense+Normalize"``) and their sources (not for objects), "k", "match",
    "pairs": {lang: {"src_lang", "tgt_lang", "n", "src->tgt": {"cosine", "margin"}, "tgt->src": {...}}},
    "mean": {"src->tgt": {...}, "tgt->src": {...}}}``
    (accuracies in 0..1; ``picks`` per pair too with ``return_picks``).

    >>> r = evaluate_retrieval("builtin:multilingual-e5-small", "tatoeba", languages=["deu"])  # doctest: +SKIP
    >>> r["prefix"], round(r["pairs"]["deu"]["src->tgt"]["cosine"], 3)  # doctest: +SKIP
    ('query: ', 0.98)
    """
    return retrieval_with_vectors(model, pairs, prefix=prefix, languages=languages, k=k, match=match,
                                  batch_size=batch_size, max_length=max_length, return_picks=return_picks)[0]


def retrieval_with_vectors(model: Any, pairs: Any, *, prefix: str | None = None,
                           languages: Sequence[str] | None = None, k: int = DEFAULT_K, match: Match = "index",
                           batch_size: int = 64, max_length: int | None = None, return_picks: bool = False,
                           device: str = "auto", dtype: str = "auto",
                           ) -> tuple[dict[str, Any], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """:func:`evaluate_retrieval`'s result and the sentence vectors, language -> (sources, targets)."""
    if match not in ("index", "text"):
        raise ConfigError(f"match must be 'index' or 'text', got {match!r}")
    encoder, tokenizer, spec = load_model(model, max_length=max_length, device=device, dtype=dtype)
    found = spec.resolution() if spec is not None else None
    prefix_source = "argument"
    if prefix is None:
        prefix, prefix_source = found["prefix"] if found else ("", "default: model given as objects")
    pooling = getattr(encoder.config, "xlt_pooling", None) or "mean"  # what embed_texts applies
    pooling_source = found["pooling"][1] if found else (
        "encoder config xlt_pooling" if getattr(encoder.config, "xlt_pooling", None) else "default")
    length = max_length or (spec.resolved_max_length() if spec is not None else 128)
    making = SentenceVectors.for_spec(spec, tokenizer, prefix) if spec is not None else None
    data = _as_pairs(pairs, languages)
    if not data:
        raise ConfigError(f"no language pairs to evaluate (languages {list(languages or [])})")
    results: dict[str, Any] = {}
    vectors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for lang, value in data.items():
        src, tgt, tgt_lang = _texts(value, lang)
        log.info("retrieval %s-%s: %d pairs", lang, tgt_lang, len(src))
        x = embed_with((encoder, tokenizer), src, prefix=prefix, batch_size=batch_size, max_length=length,
                       vectors=making)
        y = embed_with((encoder, tokenizer), tgt, prefix=prefix, batch_size=batch_size, max_length=length,
                       vectors=making)
        vectors[lang] = (x, y)
        picks = bitext_picks(x, y, k=k)
        texts = {"src->tgt": tgt if match == "text" else None, "tgt->src": src if match == "text" else None}
        row: dict[str, Any] = {"src_lang": lang, "tgt_lang": tgt_lang, "n": len(src)}
        for direction, by_method in picks.items():
            row[direction] = {m: accuracy(p, texts=texts[direction]) for m, p in by_method.items()}
        if return_picks:
            row["picks"] = {d: {m: p.tolist() for m, p in by_m.items()} for d, by_m in picks.items()}
        results[lang] = row
    mean = {d: {m: float(np.mean([r[d][m] for r in results.values()])) for m in METHODS}
            for d in ("src->tgt", "tgt->src")}
    name = spec.name if spec is not None else "(model given as objects)"
    result = {"model": name, "prefix": prefix, "prefix_source": prefix_source, "pooling": pooling,
              "pooling_source": pooling_source, **_sentence_settings(found), "k": k, "margin": "ratio",
              "match": match, "max_length": length, "pairs": results, "mean": mean}
    return result, vectors


def _sentence_settings(found: dict[str, Any] | None) -> dict[str, Any]:
    """The sentence-vector settings of a resolution as result keys (none for a model given as objects)."""
    if found is None:
        return {}
    modules, modules_source = found["sentence_modules"]
    return {"include_prompt": found["include_prompt"][0], "include_prompt_source": found["include_prompt"][1],
            "sentence_modules": "+".join(m.kind for m in modules), "sentence_modules_source": modules_source}


def flat_scores(result: Mapping[str, Any]) -> dict[str, float]:
    """``{"deu->eng cosine": 0.98, ...}`` from an :func:`evaluate_retrieval` result (for tables and logs).

    >>> flat_scores({"pairs": {"de": {"src_lang": "de", "tgt_lang": "en", "src->tgt": {"cosine": 0.5},
    ...                                "tgt->src": {"cosine": 0.25}}}})
    {'de->en cosine': 0.5, 'en->de cosine': 0.25}
    """
    out: dict[str, float] = {}
    for row in result["pairs"].values():
        src, tgt = row["src_lang"], row["tgt_lang"]
        names = {"src->tgt": f"{src}->{tgt}", "tgt->src": f"{tgt}->{src}"}
        for direction, label in names.items():
            for method, value in row[direction].items():
                out[f"{label} {method}"] = value
    return out
