"""Spread over training seeds: mean and standard deviation per system and language, and how much of the
variance is the seed and how much the test sample.

The input is one :func:`~xlt.evaluate.scores.score_systems` result (``metrics.json``) per seed, all on the same
test set. For every system, language and metric :class:`Spread` holds the per-seed scores, their mean and sample
standard deviation (``ddof=1``), and the decomposition of the variance of one run's score into

* ``seed_variance``: the variance of the per-seed scores (what another seed would change), and
* ``sample_variance``: the mean over seeds of the bootstrap variance of that seed's score (what another test
  sample of the same size would change): the square of the bootstrap standard error ``<metric>_se`` of the
  resamples where ``metrics.json`` has it, else read off the percentile interval as ``((high - low) / 2z)^2``
  with ``z`` the normal quantile of the interval's confidence (``sample_variance_from`` says which),

with ``seed_share`` and ``sample_share`` their parts of the sum. :class:`SeedSpread` is ``seeds.json``.

>>> def result(de, ci):
...     row = {"n": 40, "accuracy": de, "accuracy_ci": ci}
...     return {"primary_metric": "accuracy", "metrics": ["accuracy"], "confidence": 0.95,
...             "source_languages": ["en"], "target_languages": ["de"],
...             "systems": {"xlt": {"languages": {"en": {**row, "accuracy": 0.9}, "de": row},
...                                 "source": 0.9, "target_mean": de, "gap": 0.9 - de}}}
>>> spread = seed_spread({0: result(0.7, [0.6, 0.8]), 1: result(0.8, [0.7, 0.9])})
>>> de = spread.systems["xlt"].languages["de"]["accuracy"]
>>> round(de.mean, 3), round(de.sd, 4), round(de.seed_share + de.sample_share, 9)
(0.75, 0.0707, 1.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class MeanSd(BaseModel):
    """Per-seed values (seed order) with their mean and sample standard deviation."""

    model_config = ConfigDict(extra="forbid")

    values: list[float]
    mean: float
    sd: float

    @classmethod
    def of(cls, values: list[float]) -> MeanSd:
        array = np.asarray(values, dtype=float)
        return cls(values=list(map(float, array)), mean=float(array.mean()), sd=float(array.std(ddof=1)))


class Spread(MeanSd):
    """One system's score on one language over the seeds, with the seed / test-sample decomposition."""

    n: int | None = None  # test examples (the same for every seed)
    intervals: list[list[float]] = Field(default_factory=list)  # each seed's bootstrap interval, seed order
    seed_variance: float
    sample_variance: float | None = None  # None: a seed's metrics.json has neither standard error nor interval
    sample_variance_from: Literal["resamples", "interval"] | None = None
    seed_share: float | None = None  # of seed + sample variance; None when that sum is 0 or unknown
    sample_share: float | None = None


class SystemSpread(BaseModel):
    """A system's per-language spreads (language -> metric -> :class:`Spread`) and its summary rows."""

    model_config = ConfigDict(extra="forbid")

    languages: dict[str, dict[str, Spread]]
    source: MeanSd | None = None
    target_mean: MeanSd | None = None
    gap: MeanSd | None = None


class SeedSpread(BaseModel):
    """``seeds.json``: the aggregate of a multi-seed run over its seed run folders."""

    model_config = ConfigDict(extra="forbid")

    seeds: list[int]
    runs: list[str] = Field(default_factory=list)  # the seed run folders, relative to the parent, seed order
    primary_metric: str
    metrics: list[str]
    confidence: float  # of the per-seed bootstrap intervals
    source_languages: list[str]
    target_languages: list[str]
    systems: dict[str, SystemSpread]

    def primary(self, system: str, lang: str) -> Spread | None:
        """The primary metric's spread of ``system`` on ``lang``, if it was scored there."""
        return self.systems[system].languages.get(lang, {}).get(self.primary_metric)


def sample_variance_from_interval(low: float, high: float, confidence: float) -> float:
    """The bootstrap variance of a score from its percentile interval, as if the bootstrap distribution were
    normal: a central ``confidence`` interval spans ``2 z`` standard errors.

    >>> round(sample_variance_from_interval(0.6, 0.8, 0.95) ** 0.5, 4)
    0.051
    """
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    return ((high - low) / (2 * z)) ** 2


def decompose(scores: list[float], sample_variances: list[float]) -> tuple[float, float, float | None, float | None]:
    """(seed variance, sample variance, seed share, sample share) of one system on one language.

    Written out rather than taken from a library: it is two plain variances and their ratio to the sum.

    >>> [round(x, 4) for x in decompose([0.7, 0.8], [0.0025, 0.0025])]
    [0.005, 0.0025, 0.6667, 0.3333]
    """
    seed = float(np.var(np.asarray(scores, dtype=float), ddof=1))
    sample = float(np.mean(sample_variances))
    total = seed + sample
    if total <= 0:
        return seed, sample, None, None
    return seed, sample, seed / total, sample / total


def seed_spread(results: Mapping[int, Mapping[str, Any]], runs: list[str] | None = None) -> SeedSpread:
    """Aggregate ``results`` (seed -> that seed's ``score_systems`` result, two or more) into a :class:`SeedSpread`.

    Systems, languages and metrics are those of the first seed; a (system, language) missing from any seed is
    left out.
    """
    if len(results) < 2:
        raise ValueError(f"a spread over seeds needs two or more seeds, got {len(results)}")
    seeds = list(results)
    first = results[seeds[0]]
    confidence = float(first.get("confidence", 0.95))
    metrics = list(first.get("metrics", [first["primary_metric"]]))
    systems: dict[str, SystemSpread] = {}
    for system, scored in first["systems"].items():
        per_seed = [r["systems"].get(system) for r in results.values()]
        if any(s is None for s in per_seed):
            continue
        languages: dict[str, dict[str, Spread]] = {}
        for lang in scored.get("languages", {}):
            rows = [s["languages"].get(lang) for s in per_seed]
            if any(row is None for row in rows):
                continue
            languages[lang] = {name: _spread([row[name] for row in rows], [row.get(f"{name}_ci") for row in rows],
                                             [row.get(f"{name}_se") for row in rows], confidence, rows[0].get("n"))
                               for name in metrics if all(row.get(name) is not None for row in rows)}
        summary = {key: _mean_sd([s.get(key) for s in per_seed]) for key in ("source", "target_mean", "gap")}
        systems[system] = SystemSpread(languages=languages, **summary)
    return SeedSpread(
        seeds=seeds, runs=list(runs or []), primary_metric=first["primary_metric"], metrics=metrics,
        confidence=confidence, source_languages=list(first.get("source_languages", [])),
        target_languages=list(first.get("target_languages", [])), systems=systems)


def _spread(scores: list[float], intervals: list[list[float] | None], errors: list[float | None],
            confidence: float, n: int | None) -> Spread:
    known = [ci for ci in intervals if ci is not None]
    source: Literal["resamples", "interval"] | None = None
    if all(se is not None for se in errors):
        source, sample_variances = "resamples", [se ** 2 for se in errors]  # type: ignore[operator]
    elif len(known) == len(intervals):
        source = "interval"
        sample_variances = [sample_variance_from_interval(low, high, confidence) for low, high in known]
    if source is not None:
        seed, sample, seed_share, sample_share = decompose(scores, sample_variances)
    else:
        seed, sample, seed_share, sample_share = float(np.var(scores, ddof=1)), None, None, None
    base = MeanSd.of(scores)
    return Spread(**base.model_dump(), n=n, intervals=[list(map(float, ci)) for ci in known], seed_variance=seed,
                  sample_variance=sample, sample_variance_from=source, seed_share=seed_share,
                  sample_share=sample_share)


def _mean_sd(values: list[float | None]) -> MeanSd | None:
    return None if any(v is None for v in values) else MeanSd.of(values)  # type: ignore[arg-type]
