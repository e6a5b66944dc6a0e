"""Sentence and sentence-pair classification (topic, sentiment, NLI, paraphrase)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Literal

import numpy as np
from datasets import Dataset
from pydantic import BaseModel

from xlt.errors import ConfigError, DataError
from xlt.evaluate.baselines import FrozenEncoderBaseline, LexicalBaseline
from xlt.finetune.frozen_features import FrozenFeatures
from xlt.finetune.tasks.base import Task, shown
from xlt.model.heads.mean_pool_classifier import MeanPoolingForSequenceClassification
from xlt.model.heads.stock_classifier import stock_classifier
from xlt.model.predict import predict_logits
from xlt.model.spec import ModelSpec


def input_texts(ds: Dataset, spec: ModelSpec) -> tuple[list[str], list[str] | None]:
    """The model's inputs for ``ds``: the prefix goes before the first text of each example."""
    pairs = list(ds["text_pair"]) if "text_pair" in ds.column_names else None
    return spec.apply_prefix(list(ds["text"])), pairs


class Classified(BaseModel):
    """One classified text: the best label, its probability, and every label's probability."""

    label: str
    score: float
    scores: dict[str, float]


class ClassificationTask(Task):
    name = "classification"
    metrics = ("accuracy", "macro_f1")
    primary_metric = "accuracy"
    baselines = {
        "lexical": lambda embed, seed: LexicalBaseline(seed=seed),
        "frozen-encoder": lambda embed, seed: FrozenEncoderBaseline(embed, seed=seed),
    }
    deployable = True
    export_outputs = {"logits": ("batch",)}
    translatable = True

    def __init__(self, head: Literal["mean-pool", "stock"] = "mean-pool") -> None:
        """``head``: ``mean-pool`` classifies the encoder's own sentence vector (mean for e5, the first token
        for LaBSE; :class:`MeanPoolingForSequenceClassification`, whose folder loads with remote code);
        ``stock`` uses the architecture's own ``*ForSequenceClassification`` (:mod:`xlt.model.heads.stock_classifier`),
        which every transformers host loads without remote code and which starts from random head weights."""
        self.head = head

    def check_training(self, training) -> None:
        if self.head == "stock" and training.head_init == "probe":
            raise ConfigError("task_options.head: stock pools through its architecture's own pooler, which a "
                              "probe fitted on the encoder's sentence vectors does not fit: set "
                              "training.head_init: random with it")

    def load_model(self, path):
        config = json.loads((Path(path) / "config.json").read_text("utf-8"))
        if MeanPoolingForSequenceClassification.__name__ in (config.get("architectures") or []):
            return MeanPoolingForSequenceClassification.from_pretrained(path)  # xlt's head, no remote code
        return super().load_model(path)

    def input_row(self, item: str | dict) -> dict:
        row = super().input_row(item)
        if row.get("text_pair") is not None and not isinstance(row["text_pair"], str):
            raise DataError(f"a string is needed, got {shown(row['text_pair'])}", field="text_pair")
        return row

    def predict_inputs(self, saved, rows: list[dict], *, batch_size: int = 64) -> list[Classified]:
        labels = self.saved_labels(saved.model)
        out: list[Classified | None] = [None] * len(rows)
        paired = [i for i, r in enumerate(rows) if r.get("text_pair") is not None]
        single = sorted(set(range(len(rows))) - set(paired))
        for idx, pairs in ((single, None), (paired, [rows[i]["text_pair"] for i in paired])):
            if not idx:
                continue  # the tokenizer takes pairs for all texts of a call or for none
            texts = saved.spec.apply_prefix([rows[i]["text"] for i in idx])
            logits = predict_logits(saved.model, saved.tokenizer, texts, pairs, batch_size=batch_size,
                                    max_length=saved.spec.resolved_max_length(), progress=False)
            probs = np.exp(logits - logits.max(-1, keepdims=True))
            probs /= probs.sum(-1, keepdims=True)
            for i, row in zip(idx, probs, strict=True):
                out[i] = Classified(label=labels[int(row.argmax())], score=float(row.max()),
                                    scores={label: float(p) for label, p in zip(labels, row, strict=True)})
        return out

    def model_inputs(self, ds: Dataset, spec: ModelSpec) -> tuple[list[str], list[str] | None]:
        return input_texts(ds, spec)

    def rename_labels(self, ds: Dataset, mapping: dict[str, str]) -> Dataset:
        return ds.map(lambda row: {"label": mapping.get(row["label"], row["label"])}, desc="renaming labels")

    def few_shot_classes(self, row: dict) -> set[str]:
        return {str(row["label"])}

    def labels(self, train: Dataset) -> list[str]:
        return sorted(set(train["label"]))

    def check_labels(self, ds: Dataset, labels: list[str], split: str, source: str | None = None) -> None:
        """Every label in ``ds`` must be one the model was trained on.

        ``source`` names where the rows came from (a path with ``{lang}``) for the message.
        """
        unknown = Counter((lang, label) for lang, label in zip(ds["lang"], ds["label"], strict=True)
                          if label not in labels)
        if unknown:
            (lang, label), count = unknown.most_common(1)[0]
            first = next(i for i, (la, lb) in enumerate(zip(ds["lang"], ds["label"], strict=True))
                         if (la, lb) == (lang, label))
            raise DataError(
                f"{split} data for language {lang!r} has label {label!r} ({count} rows, first item id "
                f"{ds['id'][first]!r}) that the training data does not have; known labels: {labels}",
                path=source.replace("{lang}", lang) if source else None, field="label",
            )

    def build_model(self, encoder, labels: list[str], *, dropout: float | None = None):
        config = encoder.config
        config.num_labels = len(labels)
        config.id2label = dict(enumerate(labels))
        config.label2id = {label: i for i, label in enumerate(labels)}
        config.problem_type = "single_label_classification"
        if dropout is not None:
            config.classifier_dropout = dropout
        if self.head == "stock":
            return stock_classifier(encoder, config)
        return MeanPoolingForSequenceClassification(config, encoder=encoder)

    def encode(self, ds: Dataset, tokenizer, spec: ModelSpec, label2id: dict[str, int]) -> Dataset:
        texts, pairs = input_texts(ds, spec)
        enc = tokenizer(texts, pairs, truncation=True, max_length=spec.resolved_max_length())
        columns = {k: enc[k] for k in enc}
        columns["labels"] = [label2id[label] for label in ds["label"]]
        columns["length"] = [len(ids) for ids in enc["input_ids"]]
        return Dataset.from_dict(columns)

    def gold(self, ds: Dataset) -> list[str]:
        return list(ds["label"])

    def frozen_features(self, encoder, tokenizer, spec: ModelSpec, batch_size: int) -> FrozenFeatures:
        return FrozenFeatures(encoder, tokenizer, spec, batch_size)

    def baseline_inputs(self, ds: Dataset) -> list[str]:
        """One string per example: the text, and its pair after a separator (the frozen-feature keys)."""
        pairs = ds["text_pair"] if "text_pair" in ds.column_names else [None] * len(ds)
        return [FrozenFeatures.key(t, p) for t, p in zip(ds["text"], pairs, strict=True)]

    def predict(self, model, tokenizer, spec: ModelSpec, ds: Dataset, *, batch_size: int = 64) -> list[str]:
        texts, pairs = input_texts(ds, spec)
        logits = predict_logits(model, tokenizer, texts, pairs, batch_size=batch_size,
                                max_length=spec.resolved_max_length())
        id2label = model.config.id2label
        return [id2label[int(i)] for i in logits.argmax(-1)]
