"""``tune(config, trials)``: search -> best config YAML -> (final runs: best vs default on every target) -> report.

The study folder ``<output_dir>/<study>-tune/``::

    study.db             the Optuna study (default storage; --storage URL puts it elsewhere)
    trials/trial-NNNN/   one run folder per trial: config.yaml, split.json, run_info.json, trial.json
    best.yaml            the best trial's config: `xlt train best.yaml` takes it as it is
    final/best, final/default   the best and the default config trained and scored on every language
    study.json, report.md, report.html, plot_*.png

>>> from xlt.tune.settings import load_tune_config
>>> tune(load_tune_config("examples/tune_emoji_groups.yaml"), 20)  # 20 training runs  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.study import MaxTrialsCallback
from optuna.trial import TrialState

from xlt.errors import ConfigError
from xlt.finetune.train import train
from xlt.io import write_json
from xlt.tune.best import best_config, write_best_config
from xlt.tune.objective import Objective
from xlt.tune.plots import study_plots
from xlt.tune.report import write_tune_report
from xlt.tune.settings import TuneConfig
from xlt.tune.storage import default_storage, display_url
from xlt.tune.study import open_study
from xlt.tune.summary import final_scores, study_summary

log = logging.getLogger("xlt")
FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)


@dataclass
class TuneResult:
    study_dir: Path
    study: optuna.Study
    storage: str
    best_config: Path | None
    summary: dict[str, Any]
    report: dict[str, Path]


def study_folder(tc: TuneConfig, study_name: str | None = None) -> Path:
    return Path(tc.base.output_dir) / f"{study_name or tc.base.name}-tune"


def config_fingerprint(tc: TuneConfig) -> str:
    """Same base config and search space -> same fingerprint: workers of one study must agree on both."""
    blob = json.dumps({"base": tc.base.model_dump(mode="json", exclude={"output_dir"}),
                       "space": tc.space.model_dump(mode="json")}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def tune(tc: TuneConfig, trials: int, *, study_name: str | None = None, storage: str | None = None,
         seed: int | None = None, final: bool | None = None, timeout: float | None = None) -> TuneResult:
    """Run trials until the study holds ``trials`` finished (complete or pruned) ones, then write the results.

    Several workers may run this at once on one study (same ``study_name`` and ``storage``); each should
    have its own ``seed`` so that their samplers do not propose the same values.
    """
    if trials < 1:
        raise ConfigError(f"--trials must be at least 1, got {trials}")
    updates = {k: v for k, v in {"seed": seed, "final": final}.items() if v is not None}
    settings = tc.settings.model_copy(update=updates)
    name = study_name or tc.base.name
    study_dir = study_folder(tc, name)
    study_dir.mkdir(parents=True, exist_ok=True)
    url = storage or default_storage(study_dir)
    study = open_study(name, url, settings, max_epochs=_max_epochs(tc))
    _check_same_config(study, tc, url)

    finished = sum(t.state in FINISHED for t in study.get_trials(deepcopy=False))
    if finished < trials:
        log.info("study %s (%s): %d of %d trials finished; running more", name, display_url(url), finished, trials)
        study.optimize(Objective(tc.base, tc.space, study_dir), n_trials=trials - finished, timeout=timeout,
                       callbacks=[MaxTrialsCallback(trials, states=FINISHED)], gc_after_trial=True)
    if not any(t.state == TrialState.COMPLETE for t in study.get_trials(deepcopy=False)):
        raise ConfigError(f"study {name}: no trial completed (all pruned or failed); see {study_dir / 'trials'}")

    best_path = write_best_config(best_config(tc.base, study), study, study_dir / "best.yaml")
    final_result = _final_runs(tc, study, study_dir) if settings.final else None
    summary = study_summary(study, url, settings, final_result)
    write_json(study_dir / "study.json", summary)
    pngs, skipped = study_plots(study)
    report = write_tune_report(summary, pngs, skipped, study_dir)
    return TuneResult(study_dir, study, url, best_path, summary, report)


def _final_runs(tc: TuneConfig, study: optuna.Study, study_dir: Path) -> dict[str, Any]:
    """Train the best and the default config (same data, seed, evaluation) and score every test language."""

    out = str(study_dir / "final")
    runs = {"default": tc.base.with_overrides(["name=default", f"output_dir={out}"]),
            "best": best_config(tc.base, study, name="best").with_overrides([f"output_dir={out}"])}
    result = {}
    for label, config in runs.items():
        log.info("final run: the %s config", label)
        result[label] = final_scores(train(config, overwrite=True).root)
    return result


def _max_epochs(tc: TuneConfig) -> int:
    param = tc.space.params.get("training.epochs")
    return math.ceil(param.high if param is not None and param.high is not None else tc.base.training.epochs)


def _check_same_config(study: optuna.Study, tc: TuneConfig, url: str) -> None:
    fingerprint = config_fingerprint(tc)
    known = study.user_attrs.get("config_fingerprint")
    if known is None:
        study.set_user_attr("config_fingerprint", fingerprint)
    elif known != fingerprint:
        raise ConfigError(f"study {study.study_name} in {display_url(url)} was started with another base config or "
                          "search space; every worker of a study must use the same config (or pick another --study)")
