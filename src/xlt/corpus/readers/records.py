"""Read data that comes as rows rather than lines: Parquet files, ``save_to_disk`` folders, ``load_dataset``
data sets and in-memory ``Dataset``/``DataFrame`` objects, all through the table reader's column mapping and
checks (:func:`~xlt.corpus.readers.table.read_records`), in any layout (``layout=``: classification,
tagging, qa); the layout checks each row. Errors name the source, the 1-based row and the field.

A ``ClassLabel`` column, or a list of them (``ner_tags``), gives its label names, not the integers.

>>> import pandas as pd
>>> frame = pd.DataFrame({"sentence": ["Hi", "Bye"], "gold": ["pos", "neg"]})
>>> read_memory(frame, lang="en", columns={"text": "sentence", "label": "gold"})["label"][:]
['pos', 'neg']
>>> tags = datasets.Features({"tokens": datasets.List(datasets.Value("string")),
...                           "ner_tags": datasets.List(datasets.ClassLabel(names=["O", "B-PER"]))})
>>> ner = datasets.Dataset.from_dict({"tokens": [["Hi", "Bob"]], "ner_tags": [[0, 1]]}, features=tags)
>>> read_memory(ner, lang="en", columns={"tags": "ner_tags"}, layout="tagging")[0]["tags"]
['O', 'B-PER']
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
    return _named(ds, ds.features)


def _named(rows: Iterable[dict[str, Any]], features: datasets.Features) -> Iterator[dict[str, Any]]:
    """``rows`` with the integers of ``ClassLabel`` columns, and of lists of them (``ner_tags``), as names."""
    labels = {col: f for col, f in features.items() if isinstance(f, datasets.ClassLabel)}
    lists = {col: f.feature for col, f in features.items()
             if isinstance(f, datasets.List | datasets.LargeList) and isinstance(f.feature, datasets.ClassLabel)}
    for row in rows:
        for col, feature in labels.items():
            row[col] = _name(feature, row.get(col))
        for col, feature in lists.items():
            if isinstance(row.get(col), list):
                row[col] = [_name(feature, value) for value in row[col]]
        yield row


def _name(feature: datasets.ClassLabel, value: Any) -> Any:
    """The name of class ``value``; anything else (a bad number too) as it is, for the row checks to report."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < feature.num_classes:
        return feature.int2str(value)
    return value


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
    try:  # a file written by datasets keeps its features (ClassLabel names) in the schema metadata
        features = datasets.Features.from_arrow_schema(table.schema)
    except Exception:  # a column type datasets has no feature for: read the plain values
        features = datasets.Features()
    return read_records(_named(table.to_pylist(), features), str(path), **options)


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
