"""The layout of a run folder, ``runs/<name>/``: one place for everything a run produced.

::

    config.yaml          the resolved configuration (every default written out)
    run_info.json        what the run was (:class:`RunInfo`): model, strategy, data, timings, zero-shot or not
    split.json           which item ids went to train/dev/test, and the seed
    checkpoints/         Trainer checkpoints (resumable; removed after a finished run); epoch-weights/ in it
                         with training.average_checkpoints: the last epoch ends' trainable weights
    model/               the trained model: loads with plain transformers; README.md is its Hub model card
    metrics.json         scores per system and language, with intervals
    transfer_risk.json   each test language's transfer risk from its texts alone, and how well it predicted the scores
    predictions/<lang>.jsonl
    report.md, report.html
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xlt.errors import ConfigError


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class RunInfo(BaseModel):
    """``run_info.json``: what a run (training, evaluation, scoring) was, for the report and for tools.

    Runs of one kind add their own keys (translation: decoding settings; retrieval: the data spec).

    >>> info = RunInfo(name="demo", task="classification", source_languages=["en"], zero_shot=False,
    ...                zero_shot_note="dev set was German")
    >>> info.as_dict()["source_languages"], "train_seconds" in info.as_dict()
    (['en'], False)
    """

    model_config = ConfigDict(extra="allow")

    name: str
    task: str
    model: str | None = None
    prefix: str | None = None
    strategy: dict[str, Any] | None = None
    trainable_params: int | None = None
    total_params: int | None = None
    zero_shot: bool | None = None  # None: not recorded (shown as unknown)
    zero_shot_note: str | None = None
    train_seconds: float | None = None  # of this call: after --resume, the resumed part only
    train_cpu_seconds: float | None = None  # all threads; steadier than wall time on a shared CPU
    resumed: bool | None = None
    train_examples_per_second: float | None = None
    train_loss: float | None = None
    best_dev_metric: str | None = None
    best_dev_score: float | None = None
    epochs_run: float | None = None
    # checkpoint averaging (training.average_checkpoints; xlt.finetune.checkpoint_average); None: not asked for
    averaged_checkpoints: int | None = None  # epoch ends whose weights were averaged (fewer than K: training stopped)
    averaged_epochs: list[float] | None = None  # which ones
    average_select: str | None = None  # dev: the average had to score at least best_dev_score; always: used
    averaged_dev_score: float | None = None  # the average's score on the dev set (best_dev_metric)
    averaged_used: bool | None = None  # the saved model holds the average, not the best checkpoint
    weights_note: str | None = None  # one sentence on what the saved weights are, for the report and model card
    source_languages: list[str] = Field(default_factory=list)
    dev_languages: list[str] = Field(default_factory=list)
    processes: int | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    translate: dict[str, Any] | None = None
    created: str = Field(default_factory=_now)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form, without unset optional fields."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def read(cls, path: str | Path) -> RunInfo:
        path = Path(path)
        try:
            return cls.model_validate_json(path.read_text("utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no run_info.json (not a finished run folder?)") from None
        except (ValidationError, UnicodeDecodeError) as err:
            raise ConfigError(f"{path}: not a valid run_info.json: {err}") from None


@dataclass(frozen=True)
class RunFolder:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.yaml"

    @property
    def split(self) -> Path:
        return self.root / "split.json"

    @property
    def checkpoints(self) -> Path:
        return self.root / "checkpoints"

    @property
    def model(self) -> Path:
        return self.root / "model"

    @property
    def metrics(self) -> Path:
        return self.root / "metrics.json"

    @property
    def transfer_risk(self) -> Path:
        return self.root / "transfer_risk.json"

    @property
    def predictions(self) -> Path:
        return self.root / "predictions"

    @property
    def run_info(self) -> Path:
        return self.root / "run_info.json"

    def has_checkpoint(self) -> bool:
        return self.checkpoints.is_dir() and any(self.checkpoints.glob("checkpoint-*"))

    @classmethod
    def find(cls, path: str | Path) -> RunFolder | None:
        """The run folder at ``path`` (or containing the model folder ``path``), if it is one."""
        path = Path(path)
        for candidate in (path, path.parent):
            if (candidate / "config.yaml").is_file() and (candidate / "model").is_dir():
                return cls(candidate)
        return None
