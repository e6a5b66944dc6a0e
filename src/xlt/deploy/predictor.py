"""A saved model as a function from inputs to typed predictions, for every task, loaded on first use.

``xlt.load(path)`` returns a :class:`Predictor` for a run, a saved model, an exported variant, or a stock
transformers folder or hub id. What one input is depends on the task (``predictor.input_fields``): a text to
classify or translate, words (or a text split on whitespace) to tag, a question and its context to answer; a
bare string is the first field. Each prediction is the task's pydantic record (``Classified``, ``Tagged``,
``Answer``, ``Translated``).

A predictor pickles without its model, so the same object goes into a Ray Data ``map_batches`` actor pool, a
Spark ``mapInPandas`` function or a ``multiprocessing`` pool, and each process loads its own copy once, on
its first batch. Called on a table (a pandas DataFrame, or a dict of columns as Ray Data hands over), it
returns the table with the prediction's fields added.

>>> import pickle
>>> predictor = Predictor("runs/no-such-run", device="cpu")  # nothing is read or loaded yet
>>> pickle.loads(pickle.dumps(predictor)).path.name
'no-such-run'
>>> xlt_load = __import__("xlt").load
>>> xlt_load("runs/demo-emoji-groups").predict(["I love this!"])[0].label  # doctest: +SKIP
'love'
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from xlt.run_folder import RunFolder


class Predictor:
    """Inputs in, typed predictions out; the model loads on first use (or :meth:`load`), once per process.

    ``device``: ``auto`` (a GPU where there is one), ``cpu``, ``cuda``, ``cuda:1``, ``mps``. ``dtype``: ``auto``
    (bfloat16 on a CUDA GPU that has it, else float32), ``float32``, ``bfloat16``, ``float16``. ``batch_size``:
    inputs per forward pass (the task's default when ``None``). ``threads``: torch's CPU threads in the
    process that loads the model. ``language``: the inputs' language, for models with per-language adapters.
    """

    def __init__(self, path: str | Path, *, device: str = "auto", dtype: str = "auto", batch_size: int | None = None,
                 threads: int | None = None, language: str | None = None) -> None:
        self.run = RunFolder.find(path)
        self.path = self.run.model if self.run else Path(path)
        self.device, self.dtype, self.batch_size, self.threads = device, dtype, batch_size, threads
        self.language = language
        self._saved = self._task = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_saved": None, "_task": None, "_lock": None}  # the model stays behind

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Predictor({str(self.path)!r}, device={self.device!r}, loaded={self._saved is not None})"

    def load(self) -> Predictor:
        """Load the model now (a server does this before its first request); returns the predictor."""
        with self._lock:  # two threads' first calls must not load twice
            if self._saved is None:
                from xlt.finetune.load import load_saved  # torch and transformers: on first use only

                if self.threads:
                    import torch

                    torch.set_num_threads(self.threads)
                saved = load_saved(self.path, self.device, self.dtype)
                if self.language:
                    saved.activate_language(self.language)
                self._saved = saved
        return self

    @property
    def saved(self):
        """The loaded :class:`~xlt.model.saved.SavedModel` (loads it)."""
        return self.load()._saved

    @property
    def task(self):
        """The model's :class:`~xlt.finetune.tasks.Task`, read from its card (the weights stay unloaded)."""
        if self._task is None:
            from xlt.finetune.load import card_of
            from xlt.finetune.tasks import get_task
            from xlt.model.saved import DEFAULT_TASK

            card = self._saved.card if self._saved is not None else card_of(self.path)
            self._task = get_task(card.task or DEFAULT_TASK, card.task_options)
        return self._task

    @property
    def input_fields(self) -> tuple[str, ...]:
        return self.task.input_fields

    @property
    def labels(self) -> list[str]:
        """The classes the model predicts (empty for span and text tasks)."""
        return self.task.saved_labels(self.saved.model)

    @property
    def name(self) -> str:
        """A display name: the run (and variant) folder names, never a full path."""
        if self.run is not None:
            return self.run.root.name
        parts = self.path.parts
        return "/".join(parts[-3::2]) if len(parts) >= 3 and parts[-2] == "exports" else self.path.name

    def input_row(self, item: str | Mapping) -> dict:
        """``item`` as the task's input row; a :class:`~xlt.errors.DataError` names the field that is wrong."""
        return self.task.input_row(item)

    def predict(self, inputs: Sequence[str | Mapping]) -> list[BaseModel]:
        """One typed prediction per input, in input order."""
        return self.predict_rows([self.input_row(item) for item in inputs])

    def predict_rows(self, rows: list[dict]) -> list[BaseModel]:
        """:meth:`predict` for rows already made by :meth:`input_row`."""
        if not rows:
            return []
        options = {"batch_size": self.batch_size} if self.batch_size else {}
        return self.task.predict_inputs(self.saved, rows, **options)

    def output_row(self, row: Mapping, prediction: BaseModel) -> dict:
        """``row``'s columns, then the prediction's fields. An input column named like a prediction field that
        is not one of the task's inputs (a gold ``label``) is kept as ``<name>_input``."""
        fields = prediction.model_dump()
        out = {}
        for key, value in row.items():
            clash = key in fields and key not in self.input_fields
            out[f"{key}_input" if clash else key] = value
        out.update(fields)
        return out

    def __call__(self, batch: Any) -> Any:
        """A table with the prediction fields added: a pandas DataFrame, or a dict of columns (Ray Data's
        ``map_batches`` hands over either), returned as the same kind."""
        import pandas as pd

        frame = batch if isinstance(batch, pd.DataFrame) else pd.DataFrame({k: list(v) for k, v in batch.items()})
        rows = [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
        out = pd.DataFrame([self.output_row(r, p) for r, p in zip(rows, self.predict(rows), strict=True)])
        return out if isinstance(batch, pd.DataFrame) else {k: out[k].to_numpy() for k in out.columns}


def _plain(value: Any) -> Any:
    """A table cell as plain Python (arrow list cells arrive as numpy arrays)."""
    return value.tolist() if hasattr(value, "tolist") and not isinstance(value, str) else value


def load(path: str | Path, **options: Any) -> Predictor:
    """A :class:`Predictor` for ``path`` (a run, saved model, exported variant, transformers folder or hub id);
    ``options``: ``device``, ``dtype``, ``batch_size``, ``threads``, ``language``."""
    return Predictor(path, **options)
