"""Parquet: rows of a file (read in record batches) in; out, a folder of part files, one per committed chunk,
as Spark and Ray Data write it (a Parquet file cannot be appended to, and a killed writer leaves no footer)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from xlt.deploy.batch.formats.base import InputRow, RowFormat, RowWriter
from xlt.errors import ConfigError


class ParquetFormat(RowFormat):
    name = "parquet"
    suffixes = (".parquet",)
    streams = False

    def read(self, path: Path | None) -> Iterator[InputRow]:
        import pyarrow.parquet as pq

        if path is None:
            raise ConfigError("Parquet input needs a file or folder name, not stdin")
        number = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for value in batch.to_pylist():
                number += 1
                yield InputRow(str(path), None, number, value)

    def count(self, path: Path) -> int:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows

    def writer(self, path: Path | None, resume_at: dict | None) -> ParquetWriter:
        return ParquetWriter(path, resume_at)


class ParquetWriter(RowWriter):
    """``part-00000.parquet``, ``part-00001.parquet``, ... in the output folder, each written whole."""

    def __init__(self, path: Path | None, resume_at: dict | None) -> None:
        if path is None:
            raise ConfigError("Parquet output needs a folder name, not stdout")
        self.folder, self.parts = path, (resume_at or {}).get("parts", 0)
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("part-*.parquet"):  # written after the last commit: redone
            if int(stale.stem.split("-")[1]) >= self.parts:
                stale.unlink()
        self.pending: list[dict] = []

    def write(self, rows: list[dict], predictions: list[BaseModel]) -> None:
        self.pending.extend(rows)

    def commit(self) -> dict:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.pending:
            target = self.folder / f"part-{self.parts:05d}.parquet"
            tmp = target.with_name(f".{target.name}.tmp")
            pq.write_table(pa.Table.from_pylist(self.pending), tmp)
            os.replace(tmp, target)  # a part is there whole or not at all
            self.parts, self.pending = self.parts + 1, []
        return {"parts": self.parts}
