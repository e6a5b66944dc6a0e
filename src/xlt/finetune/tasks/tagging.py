"""Token tagging: named entities (IOB2) and parts of speech, one tag per input word.

The label set is read from the training data and saved with the model. NER (every tag ``O`` or
``B-``/``I-``) is scored with seqeval's strict IOB2 entity F1, anything else (POS) with word accuracy.
Test tags the model does not know are reported and scored as errors, or mapped by ``tag_map``
(e.g. ``{B-OTH: O, I-OTH: O}``).
"""

from __future__ import annotations

import logging
import re
from collections import Counter

import numpy as np
import torch
from datasets import Dataset
from pydantic import BaseModel

from xlt.errors import DataError
from xlt.evaluate.baselines import MajorityTagBaseline, TokenProbeBaseline
from xlt.evaluate.tagging_metrics import entity_f1, entity_type_table
from xlt.finetune.tasks.base import Task, shown
from xlt.finetune.word_features import WordFeatures
from xlt.finetune.word_windows import make_windows, window_labels, words_from_windows
from xlt.model.embed import length_sorted_batches
from xlt.model.spec import ModelSpec

log = logging.getLogger("xlt")
IOB2_TAG = re.compile(r"^(O|[BI]-.+)$")


class Tagged(BaseModel):
    """One tagged sentence: its words and one tag per word."""

    tokens: list[str]
    tags: list[str]


class TaggingTask(Task):
    name = "tagging"
    baselines = {
        "frozen-encoder": lambda embed, seed: TokenProbeBaseline(embed, seed=seed),
        "majority-tag": lambda embed, seed: MajorityTagBaseline(),
    }
    layout = "tagging"
    auto_model_class = "AutoModelForTokenClassification"
    pipeline_tag = "token-classification"
    export_outputs = {"logits": ("batch", "length")}  # one row of tag logits per token
    input_fields = ("tokens",)

    def input_row(self, item: str | dict) -> dict:
        """Words as a list (``tokens``), or a raw text (a bare string or ``text``) split on whitespace."""
        row = {"text": item} if isinstance(item, str) else dict(item)
        if row.get("tokens") is None and isinstance(row.get("text"), str):
            row["tokens"] = row["text"].split()
        tokens = row.get("tokens")
        if not isinstance(tokens, list | tuple) or not all(isinstance(t, str) and t for t in tokens):
            raise DataError("a list of non-empty words (or a 'text' to split on whitespace) is needed, got "
                            f"{shown(tokens)}", field="tokens")
        row["tokens"] = list(tokens)
        return row

    def predict_inputs(self, saved, rows: list[dict], *, batch_size: int = 64) -> list[Tagged]:
        tags = self.predict(saved.model, saved.tokenizer, saved.spec,
                            Dataset.from_dict({"tokens": [r["tokens"] for r in rows]}), batch_size=batch_size)
        return [Tagged(tokens=r["tokens"], tags=t) for r, t in zip(rows, tags, strict=True)]

    def rename_labels(self, ds: Dataset, mapping: dict[str, str]) -> Dataset:
        return ds.map(lambda row: {"tags": [mapping.get(t, t) for t in row["tags"]]}, desc="renaming tags")

    def few_shot_classes(self, row: dict) -> set[str]:
        """The entity types (or POS tags) of the sentence."""
        return {t.split("-", 1)[1] if t[:2] in ("B-", "I-") else t for t in row["tags"]} - {"O"}

    def __init__(self, tag_map: dict[str, str] | None = None) -> None:
        self.tag_map = tag_map or {}
        self.metrics, self.primary_metric = ("word_accuracy",), "word_accuracy"
        self.unseen: dict[str, dict[str, int]] = {}

    def use_labels(self, labels: list[str]) -> None:
        self.label_names = list(labels)
        if all(IOB2_TAG.match(t) for t in labels) and any(t != "O" for t in labels):
            self.metrics, self.primary_metric = ("entity_f1", "word_accuracy"), "entity_f1"
            self.dev_metric_name = "entity_f1"

    def dev_metric(self, eval_pred) -> dict[str, float]:
        """Word accuracy, and for NER the strict entity F1 the report uses, on the source dev windows.

        Each window is scored as one sequence of its labelled words (a sentence longer than the model's
        length is split into windows, so an entity across a window edge may count as two).
        """
        scores = super().dev_metric(eval_pred)
        if self.dev_metric_name == "entity_f1":
            gold_ids, pred_ids = np.asarray(eval_pred.label_ids), np.asarray(eval_pred.predictions).argmax(-1)
            gold, pred = [], []
            for g, p in zip(gold_ids, pred_ids, strict=True):
                keep = g != -100
                gold.append([self.label_names[i] for i in g[keep]])
                pred.append([self.label_names[i] for i in p[keep]])
            scores["entity_f1"] = entity_f1(gold, pred)
        return scores

    def labels(self, train: Dataset) -> list[str]:
        labels = sorted({self.tag_map.get(t, t) for tags in train["tags"] for t in tags})
        self.use_labels(labels)
        return labels

    def check_labels(self, ds: Dataset, labels: list[str], split: str, source: str | None = None) -> None:
        known = set(labels)
        unseen = Counter(t for tags in self.gold(ds) for t in tags if t not in known)
        if unseen:
            self.unseen[split] = dict(unseen)
            log.warning("%s data%s has %d tag(s) the training data lacks (scored as errors; map them with "
                        "task_options.tag_map): %s", split, f" ({source})" if source else "", sum(unseen.values()),
                        dict(unseen.most_common(8)))

    def build_model(self, encoder, labels: list[str], *, dropout: float | None = None):
        from transformers import AutoModelForTokenClassification

        config = encoder.config
        config.num_labels = len(labels)
        config.id2label = dict(enumerate(labels))
        config.label2id = {label: i for i, label in enumerate(labels)}
        if dropout is not None:
            config.classifier_dropout = dropout
        model = AutoModelForTokenClassification.from_config(config)
        setattr(model, model.base_model_prefix, encoder)  # the pretrained encoder, not the random one
        return model

    def gold(self, ds: Dataset) -> list[list[str]]:
        return [[self.tag_map.get(t, t) for t in tags] for tags in ds["tags"]]

    def encode(self, ds: Dataset, tokenizer, spec: ModelSpec, label2id: dict[str, int]) -> Dataset:
        sentences = list(ds["tokens"])
        windows = make_windows(tokenizer, sentences, prefix=spec.resolved_prefix(),
                               max_length=spec.resolved_max_length())
        gold = self.gold(ds)
        return Dataset.from_dict({
            "input_ids": [w.input_ids for w in windows],
            "attention_mask": [[1] * len(w.input_ids) for w in windows],
            "labels": [window_labels(w, [label2id.get(t, -100) for t in gold[w.example]]) for w in windows],
            "length": [len(w.input_ids) for w in windows],
        })

    def collator(self, tokenizer):
        from transformers import DataCollatorForTokenClassification

        return DataCollatorForTokenClassification(tokenizer)  # pads labels with -100 too

    @torch.inference_mode()
    def predict(self, model, tokenizer, spec: ModelSpec, ds: Dataset, *, batch_size: int = 64) -> list[list[str]]:
        model.eval()
        sentences = list(ds["tokens"])
        windows = make_windows(tokenizer, sentences, prefix=spec.resolved_prefix(),
                               max_length=spec.resolved_max_length())
        logits: list[np.ndarray] = [np.zeros(0)] * len(windows)
        for idx in length_sorted_batches([len(w.input_ids) for w in windows], batch_size):
            batch = tokenizer.pad({"input_ids": [windows[i].input_ids for i in idx]}, return_tensors="pt")
            out = model(**{k: v.to(model.device) for k, v in batch.items()}).logits.float().cpu().numpy()
            for row, i in enumerate(idx):
                logits[i] = out[row]
        id2label = model.config.id2label
        fallback = next((i for i, label in id2label.items() if label == "O"), 0)
        ids = words_from_windows(windows, logits, [len(s) for s in sentences], fallback=int(fallback))
        return [[id2label[i] for i in sentence] for sentence in ids]

    def frozen_features(self, encoder, tokenizer, spec: ModelSpec, batch_size: int) -> WordFeatures:
        return WordFeatures(encoder, tokenizer, spec, batch_size)

    def baseline_inputs(self, ds: Dataset) -> list[list[str]]:
        return list(ds["tokens"])

    def risk_texts(self, ds: Dataset) -> list[str]:
        """The given words joined by spaces, so that a whitespace word is one of the data's words."""
        return [" ".join(tokens) for tokens in ds["tokens"]]

    def extra_tables(self, predictions: dict[str, tuple[list, list]]) -> dict[str, dict]:
        if self.primary_metric != "entity_f1":
            return {}
        return {"Entity F1 per type (xlt)": entity_type_table(predictions)}

    def prediction_record(self, row: dict, prediction: list[str]) -> dict:
        return {"id": row["id"], "tokens": row["tokens"], "tags": [self.tag_map.get(t, t) for t in row["tags"]],
                "prediction": prediction}
