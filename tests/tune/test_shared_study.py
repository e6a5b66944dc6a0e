"""Two workers share one study: through a PostgreSQL server the test starts, and through SQLite.

Each worker is a separate ``xlt tune`` process with the same ``--study``/``--storage`` and its own
``--seed``; together they run the study to 4 finished trials. Every trial must be recorded once: trial
numbers unique, one run folder per trial whose trial.json agrees with the storage, both workers used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import optuna
import pytest

from tests.tune.postgres import postgres_server

TRIALS = 4


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def run_two_workers(tune_config: Path, storage: str | None) -> tuple[optuna.Study, Path]:
    cmd = [sys.executable, "-m", "xlt.cli.main", "tune", str(tune_config), "--trials", str(TRIALS),
           "--study", "shared", "--no-final", "--set", "training.epochs=1"]
    if storage:
        cmd += ["--storage", storage]
    else:  # SQLite in the study folder, given explicitly so both workers name the same file
        storage = f"sqlite:///{tune_config.parent / 'runs' / 'shared-tune' / 'study.db'}"
        (tune_config.parent / "runs" / "shared-tune").mkdir(parents=True)
        cmd += ["--storage", storage]
    workers = [subprocess.Popen([*cmd, "--seed", str(seed)], env=_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for seed in (1, 2)]
    try:
        outputs = [w.communicate(timeout=900)[0] for w in workers]
    finally:  # never leave a worker behind (e.g. after a timeout)
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
    for worker, output in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, output[-3000:]
    return optuna.load_study(study_name="shared", storage=storage), tune_config.parent / "runs" / "shared-tune"


def check_each_trial_recorded_once(study: optuna.Study, study_dir: Path) -> None:
    trials = study.get_trials()
    numbers = [t.number for t in trials]
    assert len(numbers) == len(set(numbers)) and sorted(numbers) == list(range(len(numbers)))
    finished = [t for t in trials if t.state in (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)]
    # workers stop once the study holds TRIALS finished trials; a trial already running in the other worker
    # still finishes, so there may be one more, never a lost or double one
    assert TRIALS <= len(finished) <= TRIALS + 1 and len(finished) == len(trials)
    folders = sorted(p.name for p in (study_dir / "trials").iterdir())
    assert folders == [f"trial-{n:04d}" for n in sorted(numbers)]
    for t in trials:
        record = json.loads((study_dir / "trials" / f"trial-{t.number:04d}" / "trial.json").read_text())
        assert record["trial"] == t.number and record["params"] == t.params
        assert record["state"] == t.state.name.lower()
    assert len({t.user_attrs["worker"] for t in trials}) == 2, "both workers should have run trials"


@pytest.mark.needs_postgres
def test_two_workers_share_a_study_through_postgresql(tune_config):
    with postgres_server() as url:
        study, study_dir = run_two_workers(tune_config, url)
        check_each_trial_recorded_once(study, study_dir)


def test_two_workers_share_a_study_through_sqlite(tune_config):
    study, study_dir = run_two_workers(tune_config, None)
    check_each_trial_recorded_once(study, study_dir)
