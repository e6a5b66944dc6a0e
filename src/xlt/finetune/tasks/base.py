"""The task interface: everything that differs between classification, tagging and QA."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from datasets import Dataset
from pydantic import BaseModel

from xlt.errors import ConfigError, DataError
from xlt.finetune.head_init import init_head_from_probe
from xlt.model.spec import ModelSpec


class Task:
    """Turns schema rows into model inputs and model outputs back into predictions.

    The training loop (:func:`xlt.finetune.train.train`) and the evaluation
    (:func:`xlt.evaluate.run_evaluation.evaluate_languages`) only talk to a task through these methods.
    """

    name: ClassVar[str]
    metrics: tuple[str, ...]
    primary_metric: str
    #: the key of :meth:`dev_metric`'s result that selects the best checkpoint (on source-language dev data)
    dev_metric_name: str = "accuracy"
    #: :meth:`dev_scorer`'s metric reads the model inputs (``eval_pred.inputs``), so the Trainer keeps them
    dev_reads_inputs: ClassVar[bool] = False
    #: baseline name -> factory(embed, seed); ``embed`` is the task's frozen-feature table
    baselines: ClassVar[dict[str, Callable[[Callable, int], Any]]] = {}
    #: the corpus table layout this task reads (:mod:`xlt.corpus.schema`)
    layout: ClassVar[str] = "classification"
    #: the transformers Auto class that loads a saved model folder of this task
    auto_model_class: ClassVar[str] = "AutoModelForSequenceClassification"
    #: the Hub's pipeline tag for models of this task (the model card's ``pipeline_tag``)
    pipeline_tag: ClassVar[str] = "text-classification"
    #: the model reads plain texts (:meth:`model_inputs`) and answers one row of logits per text: speed
    #: measurement, int8 calibration and ``xlt export --drop-layers`` (distillation) run on its models
    deployable: ClassVar[bool] = False
    #: the outputs an exported model of this task answers with (``model(**batch).<name>``), each with its
    #: dynamic axes (batch, length) for the ONNX graph; empty: ``xlt export`` does not run this task
    export_outputs: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: translate-test / translate-train apply: the labels survive translating the input text
    translatable: ClassVar[bool] = False
    #: the fields one input of :meth:`predict_inputs` has (``xlt predict``'s input columns); a bare string is
    #: the first of them
    input_fields: ClassVar[tuple[str, ...]] = ("text",)

    def labels(self, train: Dataset) -> list[str]:
        """The label set, read from the training data (may also fix the metrics, e.g. NER vs POS)."""
        raise NotImplementedError

    def use_labels(self, labels: list[str]) -> None:
        """Adopt a saved model's label set (tasks whose metrics depend on it override this)."""

    def check_labels(self, ds: Dataset, labels: list[str], split: str, source: str | None = None) -> None:
        """Fail with a DataError (or warn, where scoring stays sound) on labels outside ``labels``."""
        raise NotImplementedError

    def build_model(self, encoder, labels: list[str], *, dropout: float | None = None):
        raise NotImplementedError

    def check_training(self, training) -> None:
        """Fail with a ConfigError where this task's options do not go with the ``training`` settings
        (checked when the config is read)."""

    def load_model(self, path):
        """A saved model folder of this task, with plain transformers."""
        import transformers

        return getattr(transformers, self.auto_model_class).from_pretrained(path)

    def saved_labels(self, model) -> list[str]:
        """The label set a trained model of this task carries (empty for tasks without classes)."""
        return [model.config.id2label[i] for i in range(len(model.config.id2label))]

    def rename_labels(self, ds: Dataset, mapping: dict[str, str]) -> Dataset:
        """``ds`` with its gold labels renamed by ``mapping`` (gold name -> the model's name), to score a model
        whose label names differ from the data's (``xlt evaluate MODEL --label-map gold=model_label``)."""
        raise ConfigError(f"task {self.name!r} has no label names to map")

    def few_shot_classes(self, row: dict) -> set[str]:
        """The classes an example counts for when drawing k examples per class (default: one class)."""
        return {"*"}

    def encode(self, ds: Dataset, tokenizer, spec: ModelSpec, label2id: dict[str, int]) -> Dataset:
        """Model inputs with ``labels`` (and ``length`` for length-grouped batches) for the Trainer."""
        raise NotImplementedError

    def model_inputs(self, ds: Dataset, spec: ModelSpec) -> tuple[list[str], list[str] | None]:
        """The texts (and text pairs) a deployable task's model reads for ``ds``, prefix applied."""
        raise NotImplementedError(f"task {self.name!r} has no plain-text model inputs")

    def risk_texts(self, ds: Dataset) -> list[str] | None:
        """The input text of each row of ``ds``, as a user wrote it (no prefix), for the transfer risk
        (:mod:`xlt.evaluate.transfer_risk`): ``text``, and ``text_pair`` after a space where there is one.
        ``None`` (also for rows without a ``text`` column): no transfer risk for this task's inputs."""
        if "text" not in ds.column_names:
            return None
        texts = [str(t) for t in ds["text"]]
        if "text_pair" in ds.column_names:
            texts = [t if p is None else f"{t} {p}" for t, p in zip(texts, ds["text_pair"], strict=True)]
        return texts

    def collator(self, tokenizer):
        """Pads a batch of :meth:`encode` rows (dynamic padding)."""
        from transformers import DataCollatorWithPadding

        return DataCollatorWithPadding(tokenizer)

    def dev_metric(self, eval_pred) -> dict[str, float]:
        """Source-dev score for checkpoint selection: accuracy per example, or per labelled word for tagging."""
        labels = np.asarray(eval_pred.label_ids)
        scored = labels != -100  # non-first sub-tokens, specials and padding carry no label
        return {"accuracy": float((np.asarray(eval_pred.predictions).argmax(-1) == labels)[scored].mean())}

    def dev_scorer(self, dev: Dataset, tokenizer, spec: ModelSpec) -> Callable[[Any], dict[str, float]]:
        """The Trainer's ``compute_metrics`` for the source dev rows ``dev`` (before :meth:`encode`); its result
        holds :attr:`dev_metric_name`. Tasks whose score needs more than the encoded rows (QA: the questions
        behind the windows) override it."""
        return self.dev_metric

    def predict(self, model, tokenizer, spec: ModelSpec, ds: Dataset, *, batch_size: int = 64) -> list:
        raise NotImplementedError

    def gold(self, ds: Dataset) -> list:
        """The reference answers of ``ds``, in the form the metrics and ``predict`` use."""
        raise NotImplementedError

    def frozen_features(self, encoder, tokenizer, spec: ModelSpec, batch_size: int):
        """A table of pretrained-encoder vectors, filled before fine-tuning (probe head, frozen baseline)."""
        raise NotImplementedError

    def init_head(self, model, baseline, label2id: dict[str, int]) -> None:
        """Start the model's head from the fitted frozen-encoder ``baseline`` (``training.head_init: probe``)."""

        init_head_from_probe(model.classifier, baseline.classifier, label2id)

    def baseline_inputs(self, ds: Dataset) -> list:
        """What a baseline's ``fit``/``predict`` take for ``ds`` (also the frozen-feature keys)."""
        raise NotImplementedError

    def extra_tables(self, predictions: dict[str, tuple[list, list]]) -> dict[str, dict]:
        """Report tables beyond the main one (title -> row -> language -> value), from ``lang -> (gold, pred)``."""
        return {}

    def train_run(self, config, run, data, *, resume: bool = False):
        """A task with its own model family and loop (translation: seq2seq) trains here and returns the
        ``TrainedRun``; ``None`` (the default) means the shared encoder + head loop of ``train()``."""
        return None

    def input_row(self, item: str | dict) -> dict:
        """One input as a row with :attr:`input_fields`; a :class:`DataError` names the field that is wrong."""
        row = {self.input_fields[0]: item} if isinstance(item, str) else dict(item)
        for name in self.input_fields:
            if not isinstance(row.get(name), str):
                raise DataError(f"a string is needed, got {shown(row.get(name))}", field=name)
        return row

    def predict_inputs(self, saved, rows: list[dict], *, batch_size: int = 64) -> list[BaseModel]:
        """Typed predictions (one pydantic record per row) of the loaded ``saved`` model for rows of
        :meth:`input_row`; the engine of :class:`xlt.deploy.predictor.Predictor`."""
        raise NotImplementedError(f"task {self.name!r} does not predict from plain inputs")

    def prediction_record(self, row: dict, prediction: Any) -> dict:
        """One line of ``predictions/<lang>.jsonl``."""
        return {**row, "prediction": prediction}


def shown(value: Any) -> str:
    """A short description of a wrong input value for an error message."""
    return "nothing" if value is None else f"{type(value).__name__} {str(value)[:40]!r}"
