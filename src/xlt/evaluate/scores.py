"""Score every system on every language, with bootstrap intervals: the content of ``metrics.json``.

>>> preds = {"xlt": {"en": (["a", "b"], ["a", "b"]), "de": (["a", "b"], ["a", "a"])}}
>>> r = score_systems(preds, ["en"], n_resamples=100)
>>> r["target_languages"], r["systems"]["xlt"]["gap"]
(['de'], 0.5)
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean
from typing import Any

from xlt.errors import ConfigError, DataError
from xlt.evaluate.bootstrap import bootstrap_estimate
from xlt.evaluate.metrics import describe_metric, get_metric, metric_info

# system -> language -> (gold, predicted), one value per example: a label, a list of tags per
# sentence (tagging metrics), or a list of gold answers / a predicted string (QA metrics)
Predictions = dict[str, dict[str, tuple[Sequence[Any], Sequence[Any]]]]


def score_systems(
    predictions: Predictions,
    source_languages: list[str],
    metrics: Sequence[str] = ("accuracy", "macro_f1"),
    primary: str = "accuracy",
    seed: int = 0,
    *,
    confidence: float = 0.95,
    n_resamples: int = 1000,
) -> dict[str, Any]:
    """Score ``predictions`` (system -> language -> (y_true, y_pred)); return plain-JSON results.

    Target languages are all languages not in ``source_languages``, in first-seen order. Per system,
    ``source`` and ``target_mean`` are unweighted means of the primary metric over the languages that
    system was evaluated on (``None`` when it has none) and ``gap = source - target_mean``.
    Every (system, language) uses the same ``seed``, so systems are resampled on the same examples.
    Each metric has its interval under ``<metric>_ci`` and the bootstrap standard error under ``<metric>_se``.
    ``metric_descriptions`` says what each metric measures; language-dependent metrics (MLQA) get
    the language's code as ``lang`` and each language row records the normalisation used there
    under ``normalisation`` (metric -> description).
    """
    metrics = list(metrics)
    for name in metrics:
        get_metric(name)  # fail early on an unknown name
    if primary not in metrics:
        raise ConfigError(f"primary metric {primary!r} is not among the metrics {metrics}")

    seen: dict[str, None] = {}
    for langs in predictions.values():
        seen.update(dict.fromkeys(langs))
    targets = [lang for lang in seen if lang not in source_languages]

    systems: dict[str, Any] = {}
    for system, langs in predictions.items():
        scored: dict[str, Any] = {}
        for lang, (y_true, y_pred) in langs.items():
            if len(y_true) != len(y_pred):
                raise DataError(f"system {system!r}, language {lang!r}: {len(y_true)} gold labels "
                                f"but {len(y_pred)} predictions")
            if len(y_true) == 0:
                raise DataError(f"system {system!r}, language {lang!r}: no examples to score")
            row: dict[str, Any] = {"n": len(y_true)}
            for name in metrics:
                row[name] = get_metric(name, lang)(y_true, y_pred)
                low, high, se = bootstrap_estimate(y_true, y_pred, name, lang=lang, confidence=confidence,
                                                   n_resamples=n_resamples, seed=seed)
                row[f"{name}_ci"] = [low, high]
                row[f"{name}_se"] = se  # the bootstrap standard error: the test-sample spread of the score
            dependent = [name for name in metrics if metric_info(name).language_dependent]
            if dependent:
                row["normalisation"] = {name: describe_metric(name, lang) for name in dependent}
            scored[lang] = row
        source = _mean([scored[lang][primary] for lang in source_languages if lang in scored])
        target = _mean([scored[lang][primary] for lang in targets if lang in scored])
        gap = source - target if source is not None and target is not None else None
        systems[system] = {"languages": scored, "source": source, "target_mean": target, "gap": gap}

    return {
        "primary_metric": primary,
        "metrics": metrics,
        "metric_descriptions": {name: describe_metric(name) for name in metrics},
        "confidence": confidence,
        "n_resamples": n_resamples,
        "seed": seed,
        "source_languages": list(source_languages),
        "target_languages": targets,
        "systems": systems,
    }


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None
