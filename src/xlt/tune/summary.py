"""What a study found, as one JSON-able dict (``study.json``): trials, best trial, final target comparison."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import optuna

from xlt.tune.storage import display_url


def trial_rows(study: optuna.Study) -> list[dict[str, Any]]:
    rows = []
    for t in study.trials:
        seconds = (t.datetime_complete - t.datetime_start).total_seconds() \
            if t.datetime_complete and t.datetime_start else None
        rows.append({"number": t.number, "state": t.state.name.lower(), "source_dev": t.value, "params": t.params,
                     "epochs_reported": len(t.intermediate_values),
                     "seconds": round(seconds, 1) if seconds is not None else None,
                     "run_folder": t.user_attrs.get("run_folder")})
    return rows


def final_scores(run_root: Path) -> dict[str, Any]:
    """Per-language primary scores of a finished run (from its metrics.json)."""
    metrics = json.loads((Path(run_root) / "metrics.json").read_text(encoding="utf-8"))
    primary = metrics["primary_metric"]
    return {"primary_metric": primary, "source_languages": metrics["source_languages"],
            "target_languages": metrics["target_languages"], "run_folder": str(run_root),
            "scores": {lang: row[primary] for lang, row in metrics["systems"]["xlt"]["languages"].items()},
            "best_dev_score": metrics.get("run", {}).get("best_dev_score")}


def study_summary(study: optuna.Study, storage_url: str, settings, final: dict[str, Any] | None) -> dict[str, Any]:
    rows = trial_rows(study)
    counts = {state: sum(r["state"] == state for r in rows) for state in ("complete", "pruned", "fail", "running")}
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    best = study.best_trial if complete else None
    return {
        "study": study.study_name, "storage": display_url(storage_url),
        "sampler": f"TPE (seed {settings.seed}, {settings.startup_trials} random start-up trials)",
        "pruner": settings.pruner, "objective": "best source-language dev score (checkpoint selection metric)",
        "trials": counts,
        "best": {"number": best.number, "source_dev": best.value, "params": best.params,
                 "run_folder": best.user_attrs.get("run_folder")} if best else None,
        "final": final,
        "trial_rows": rows,
    }
