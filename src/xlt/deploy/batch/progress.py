"""The record a resumable ``xlt predict`` keeps beside its output: how many input rows are done and where the
output and rejects files end at that point. It is rewritten atomically after each chunk is durable, so after
a kill the output is cut back to it and the run goes on with the next row: none lost, none written twice."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from xlt.errors import ConfigError
from xlt.io import write_text


class PredictProgress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: str
    model: str
    output_format: str
    #: input rows consumed: predicted or rejected
    rows_done: int = 0
    predicted: int = 0
    rejected: int = 0
    #: the output writer's commit position (bytes of a line file, or parts of a Parquet folder)
    output_at: dict = {}
    #: bytes of the rejects file
    rejects_at: int = 0
    finished: bool = False

    @staticmethod
    def path_for(output: Path) -> Path:
        return output.with_name(output.name + ".progress.json")

    def save(self, output: Path) -> None:
        write_text(self.path_for(output), self.model_dump_json(indent=2) + "\n")

    @classmethod
    def read(cls, output: Path) -> PredictProgress | None:
        path = cls.path_for(output)
        if not path.is_file():
            return None
        try:
            return cls(**json.loads(path.read_text("utf-8")))
        except (ValueError, ValidationError) as e:
            raise ConfigError(f"{path}: not a progress record of xlt predict ({e}); delete it to start over") from e
