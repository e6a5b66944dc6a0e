"""Experiment tracking through transformers' own integrations (``training.report_to``).

``report_to: [tensorboard, mlflow]`` turns on transformers' ``TensorBoardCallback`` and ``MLflowCallback``;
xlt only chooses where they write when the user has not: TensorBoard event files go to
``<run>/tensorboard/`` and MLflow to a local SQLite store ``<run>/mlflow.db`` (MLflow 3 refuses plain
file stores), experiment = the run's name. ``MLFLOW_TRACKING_URI`` / ``MLFLOW_EXPERIMENT_NAME`` /
``TENSORBOARD_LOGGING_DIR`` set in the environment win. The run folder stays the source of truth: the
trackers get copies of the training curves, metrics.json and the report are written as always.

>>> with tracking_env(["tensorboard"], Path("runs/x"), "x"):
...     os.environ["TENSORBOARD_LOGGING_DIR"].endswith("tensorboard")
True
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from xlt.errors import ConfigError

KNOWN = {"tensorboard": "tensorboard", "mlflow": "mlflow"}  # report_to name -> module it needs


def check_report_to(names: Sequence[str]) -> None:
    """A clear error for a tracker that transformers knows but that is not installed."""
    for name in names:
        module = KNOWN.get(name)
        if module and importlib.util.find_spec(module) is None:
            raise ConfigError(f"training.report_to: {name!r} needs the {module!r} package: "
                              f"pip install 'xlt[track]' (or pip install {module})")


@contextmanager
def tracking_env(names: Sequence[str], run_root: Path, experiment: str) -> Iterator[None]:
    """Point the trackers in ``names`` at the run folder for the duration of a training call."""
    wanted: dict[str, str] = {}
    if "tensorboard" in names:
        wanted["TENSORBOARD_LOGGING_DIR"] = str(Path(run_root).resolve() / "tensorboard")
    if "mlflow" in names:
        wanted["MLFLOW_TRACKING_URI"] = "sqlite:///" + str(Path(run_root).resolve() / "mlflow.db")
        wanted["MLFLOW_EXPERIMENT_NAME"] = experiment
    added = {key: value for key, value in wanted.items() if key not in os.environ}
    os.environ.update(added)
    try:
        if "mlflow" in names:
            import mlflow

            # transformers sets the URI only when none is set yet in this process: set it for this run
            mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)
