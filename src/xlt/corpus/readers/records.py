"""Read data that comes as rows rather than lines: Parquet files, ``save_to_disk`` folders, ``load_dataset``
data sets and in-memory ``Dataset``/``DataFrame`` objects, all through the table reader's column mapping and
checks (:func:`~xlt.corpus.readers.table.read_records`). Errors name the source and the 1-based row.

A ``ClassLabel`` column gives its label names, not the integers.

>>> import pandas as pd
>>> frame = pd.DataFrame({"sentence": ["Hi", "Bye"], "gold": ["pos", "neg"]})
>>> read_memory(frame, lang="en", columns={"text": "sentence", "label": "gold"})["label"][:]
['pos', 'neg']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import datasets

from xlt.corpus.readers.table import read_records
from xlt.errors import ConfigError, DataError

#: Formats read as rows: ``parquet:PATH``, ``disk:PATH[@split]`` (``arrow:`` is the same),
#: ``hf:NAME[:CONFIG][@split]`` and ``memory`` (a Python object).
RECORD_FORMATS: tuple[str, ...] = ("parquet", "disk", "arrow", "hf", "memory")


def split_ref(path: str) -> tuple[str, str | None]:
    """``"data/xnli@validation"`` -> ``("data/xnli", "validation")``; no ``@``: no split.

    >>> split_ref("data/xnli@validation"), split_ref("owner/name:cfg")
    (('data/xnli', 'validation'), ('owner/name:cfg', None))
    """
    head, sep, split = path.rpartition("@")
    if not sep or "/" in split:
        return path, None
    if not split or not head:
        raise ConfigError(f"{path!r}: give the split after @, e.g. data/xnli@validation")
    return head, split


def _rows(ds: datasets.Dataset) -> Iterator[dict[str, Any]]:
    """The rows of ``ds``, ``ClassLabel`` integers as their names."""
    names = {col: f for col, f in ds.features.items() if isinstance(f, datasets.ClassLabel)}
    for row in ds:
        for col, feature in names.items():
            value = row.get(col)
            if isinstance(value, int) and 0 <= value < feature.num_classes:
                row[col] = feature.int2str(value)
        yield row


def _one_split(data: Any, split: str | None, source: str) -> datasets.Dataset:
    """The ``split`` of a ``DatasetDict`` (a one-split dict needs none), or the ``Dataset`` itself."""
    if isinstance(data, datasets.DatasetDict | datasets.IterableDatasetDict):
        if split is None and len(data) == 1:
            return next(iter(data.values()))
        if split is None or split not in data:
            what = "has no split " + repr(split) if split is not None else "has several splits"
            raise DataError(f"{what}; choose one with @SPLIT, one of {sorted(data)}", path=source)
        return data[split]
    if split is not None and not isinstance(data, datasets.Dataset):
        raise ConfigError(f"{source}: @{split} chooses a split of a DatasetDict, not of {type(data).__name__}")
    return data


def read_parquet(path: str | Path, **options: Any) -> datasets.Dataset:
    """A Parquet file (read with pyarrow, nulls as missing values)."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise DataError("no such file", path=path) from None
    except Exception as e:  # pyarrow raises ArrowInvalid and friends for a file that is not Parquet
        raise DataError(f"not a readable Parquet file: {e}", path=path) from None
    return read_records(table.to_pylist(), str(path), **options)


def read_disk(path: str, **options: Any) -> datasets.Dataset:
    """A folder written by ``Dataset.save_to_disk`` or ``DatasetDict.save_to_disk`` (``PATH@split``)."""
    folder, split = split_ref(path)
    if not Path(folder).is_dir():
        raise DataError("no such folder (a disk: spec names a folder written by save_to_disk)", path=folder)
    try:
        data = datasets.load_from_disk(folder)
    except FileNotFoundError as e:
        raise DataError(f"not a save_to_disk folder: {e}", path=folder) from None
    source = f"{folder}@{split}" if split else folder
    return read_records(_rows(_one_split(data, split, source)), source, **options)


def read_hf(path: str, **options: Any) -> datasets.Dataset:
    """``datasets.load_dataset(NAME, CONFIG, split=SPLIT)`` for ``NAME[:CONFIG][@SPLIT]``; NAME may be a
    hub id (``owner/name``) or a local folder of data files (``/data/mine@train``)."""
    ref, split = split_ref(path)
    name, _, config = ref.partition(":")
    if not name:
        raise ConfigError(f"hf:{path}: give a data set name, e.g. hf:owner/name:config@split")
    try:
        data = datasets.load_dataset(name, config or None, split=split)
    except (FileNotFoundError, ValueError, datasets.exceptions.DatasetNotFoundError) as e:
        raise DataError(f"load_dataset failed: {e}", path=f"hf:{path}") from None
    return read_records(_rows(_one_split(data, split, f"hf:{path}")), f"hf:{path}", **options)


def describe(data: Any) -> str:
    """How an in-memory object is named in messages and in dumped configs.

    >>> import pandas as pd
    >>> describe(pd.DataFrame({"text": ["a"]}))
    '<in-memory DataFrame: 1 rows>'
    """
    rows = len(data) if hasattr(data, "__len__") else "?"
    return f"<in-memory {type(data).__name__}: {rows} rows>"


def memory_records(data: Any) -> Iterable[Mapping[str, Any]]:
    """The rows of a ``datasets.Dataset``, a pandas ``DataFrame`` (NaN as missing) or a list of dicts."""
    if isinstance(data, datasets.Dataset):
        return _rows(data)
    if type(data).__name__ == "DataFrame" and hasattr(data, "to_dict"):
        frame = data.astype(object).where(data.notna(), None)
        return frame.to_dict("records")
    if isinstance(data, list) and all(isinstance(row, Mapping) for row in data):
        return data
    raise ConfigError(f"in-memory data must be a datasets.Dataset, a pandas DataFrame or a list of dicts, "
                      f"not {type(data).__name__}")


def read_memory(data: Any, **options: Any) -> datasets.Dataset:
    """An in-memory ``Dataset``/``DataFrame`` (see :func:`memory_records`)."""
    return read_records(memory_records(data), describe(data), **options)
