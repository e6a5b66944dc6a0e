"""The layout of a run folder, ``runs/<name>/``: one place for everything a run produced.

::

    config.yaml          the resolved configuration (every default written out)
    split.json           which item ids went to train/dev/test, and the seed
    checkpoints/         Trainer checkpoints (resumable; removed after a finished run)
    model/               the trained model: loads with plain transformers
    metrics.json         scores per system and language, with intervals
    predictions/<lang>.jsonl
    report.md, report.html
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
