"""Extractive question answering (SQuAD v1.1 format: XQuAD, TyDiQA-GoldP, MLQA).

Contexts longer than the model's length become overlapping windows (``doc_stride`` tokens shared);
answers are chosen among the n-best start/end pairs of every window (``max_answer_length`` tokens at
most) and mapped back to character offsets of the original context. Scored with MLQA's
multilingual normalisation by default (Unicode punctuation, per-language articles, Chinese as
characters), or SQuAD's (``normalisation: squad``); the report says which.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import torch
from datasets import Dataset
from pydantic import BaseModel

from xlt.errors import ConfigError
from xlt.evaluate.baselines.span_head import SpanHeadBaseline
from xlt.evaluate.metrics import get_metric
from xlt.finetune.qa_frozen import FrozenQAEncoder
from xlt.finetune.tasks.base import Task
from xlt.model.embed import length_sorted_batches
from xlt.model.spec import ModelSpec

METRICS = {"mlqa": ("exact_match_mlqa", "qa_f1_mlqa"), "squad": ("exact_match", "qa_f1")}


class Answer(BaseModel):
    """One answer span: its text, its character offsets in the context (``context[start:end] == answer``) and
    its probability (start x end probability within the window it was read from, as ``pipeline`` scores)."""

    answer: str
    start: int
    end: int
    score: float


class QATask(Task):
    name = "qa"
    baselines = {"frozen-encoder": lambda frozen, seed: SpanHeadBaseline(frozen, seed)}
    layout = "qa"
    auto_model_class = "AutoModelForQuestionAnswering"
    pipeline_tag = "question-answering"
    export_outputs = {"start_logits": ("batch", "length"), "end_logits": ("batch", "length")}
    input_fields = ("question", "context")
    dev_reads_inputs = True

    def saved_labels(self, model) -> list[str]:
        return []  # spans, not classes

    def __init__(self, normalisation: Literal["mlqa", "squad"] = "mlqa", doc_stride: int = 128,
                 max_answer_length: int = 30, n_best: int = 20) -> None:
        if normalisation not in METRICS:
            raise ConfigError(f"qa normalisation must be one of {list(METRICS)}, got {normalisation!r}")
        self.metrics = METRICS[normalisation]
        self.primary_metric = self.dev_metric_name = self.metrics[1]  # checkpoints are chosen on dev F1
        self.doc_stride, self.max_answer_length, self.n_best = doc_stride, max_answer_length, n_best

    def labels(self, train: Dataset) -> list[str]:
        return []  # spans, not classes

    def check_labels(self, ds: Dataset, labels: list[str], split: str, source: str | None = None) -> None:
        """Answers were checked against their contexts by the reader."""

    def build_model(self, encoder, labels: list[str], *, dropout: float | None = None):
        from transformers import AutoModelForQuestionAnswering

        model = AutoModelForQuestionAnswering.from_config(encoder.config)
        setattr(model, model.base_model_prefix, encoder)  # the pretrained encoder, not the random one
        return model

    def gold(self, ds: Dataset) -> list[list[str]]:
        return [list(a["text"]) for a in ds["answers"]]

    def window_features(self, ds: Dataset, tokenizer, spec: ModelSpec):
        # HF's recipe (run_qa.py): question first, the context truncated into strided windows
        questions = spec.apply_prefix([q.lstrip() for q in ds["question"]])
        length = spec.resolved_max_length()
        return tokenizer(questions, list(ds["context"]), truncation="only_second", max_length=length,
                         stride=min(self.doc_stride, length // 2), return_overflowing_tokens=True,
                         return_offsets_mapping=True)

    def encode(self, ds: Dataset, tokenizer, spec: ModelSpec, label2id: dict[str, int]) -> Dataset:
        enc = self.window_features(ds, tokenizer, spec)
        answers = list(ds["answers"])
        starts, ends = [], []
        for i, offsets in enumerate(enc["offset_mapping"]):
            answer = answers[enc["overflow_to_sample_mapping"][i]]
            sequence = enc.sequence_ids(i)
            context = [t for t, s in enumerate(sequence) if s == 1]
            start_tok = end_tok = 0  # answer not in this window: point at the first token, as HF does
            if answer["text"] and context:
                a_start = answer["answer_start"][0]
                a_end = a_start + len(answer["text"][0])
                if offsets[context[0]][0] <= a_start and offsets[context[-1]][1] >= a_end:
                    start_tok = next(t for t in context if offsets[t][1] > a_start)
                    end_tok = next(t for t in reversed(context) if offsets[t][0] < a_end)
            starts.append(start_tok)
            ends.append(end_tok)
        return Dataset.from_dict({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                                  "start_positions": starts, "end_positions": ends,
                                  "length": [len(ids) for ids in enc["input_ids"]]})

    @torch.inference_mode()
    def predict(self, model, tokenizer, spec: ModelSpec, ds: Dataset, *, batch_size: int = 32) -> list[str]:
        return [a.answer for a in self.answers(model, tokenizer, spec, ds, batch_size=batch_size)]

    def predict_inputs(self, saved, rows: list[dict], *, batch_size: int = 32) -> list[Answer]:
        ds = Dataset.from_dict({"question": [r["question"] for r in rows], "context": [r["context"] for r in rows]})
        return self.answers(saved.model, saved.tokenizer, saved.spec, ds, batch_size=batch_size)

    @torch.inference_mode()
    def answers(self, model, tokenizer, spec: ModelSpec, ds: Dataset, *, batch_size: int = 32) -> list[Answer]:
        """The best span of each question over all windows of its context (an empty answer at 0 where none fits)."""
        model.eval()
        enc = self.window_features(ds, tokenizer, spec)

        def window_logits():
            for idx in length_sorted_batches([len(ids) for ids in enc["input_ids"]], batch_size):
                batch = tokenizer.pad({"input_ids": [enc["input_ids"][i] for i in idx],
                                       "attention_mask": [enc["attention_mask"][i] for i in idx]}, return_tensors="pt")
                out = model(**{k: v.to(model.device) for k, v in batch.items()})
                starts, ends = out.start_logits.float().cpu().numpy(), out.end_logits.float().cpu().numpy()
                yield from zip(idx, starts, ends, strict=True)

        return self.best_answers(enc, list(ds["context"]), window_logits())

    def best_answers(self, enc, contexts: list[str], window_logits) -> list[Answer]:
        """Each question's best span over its windows, from ``(window, start logits, end logits)`` in any order
        (logits may run past the window's length: padding is never in the context)."""
        best: list[tuple[float, Answer]] = [(-np.inf, Answer(answer="", start=0, end=0, score=0.0))] * len(contexts)
        for i, start_logits, end_logits in window_logits:
            example = enc["overflow_to_sample_mapping"][i]
            logit, start, end = self.best_char_span(start_logits, end_logits, enc["offset_mapping"][i],
                                                    enc.sequence_ids(i))
            if logit > best[example][0]:
                best[example] = (logit, Answer(answer=contexts[example][start:end], start=start, end=end,
                                               score=self.span_probability(start_logits, end_logits, logit,
                                                                           enc.sequence_ids(i))))
        return [answer for _, answer in best]

    def best_span(self, start_logits, end_logits, offsets, sequence_ids, context: str) -> tuple[float, str]:
        """The best-scoring valid span of one window (n-best starts x n-best ends) and its text."""
        score, start, end = self.best_char_span(start_logits, end_logits, offsets, sequence_ids)
        return score, context[start:end]

    def best_char_span(self, start_logits, end_logits, offsets, sequence_ids) -> tuple[float, int, int]:
        """``(start + end logit, first char, end char)`` of the best valid span of one window; ``-inf`` if none."""
        in_context = np.array([s == 1 for s in sequence_ids] + [False] * (len(start_logits) - len(sequence_ids)))
        starts = [int(t) for t in np.argsort(-start_logits)[: self.n_best] if in_context[t]]
        ends = [int(t) for t in np.argsort(-end_logits)[: self.n_best] if in_context[t]]
        best = (-np.inf, 0, 0)
        for s in starts:
            for e in ends:
                if s <= e < s + self.max_answer_length and start_logits[s] + end_logits[e] > best[0]:
                    best = (float(start_logits[s] + end_logits[e]), offsets[s][0], offsets[e][1])
        return best

    @staticmethod
    def span_probability(start_logits, end_logits, logit: float, sequence_ids) -> float:
        """exp(span logit) over the start and end softmax normalisers of the window's context tokens."""
        if not np.isfinite(logit):
            return 0.0
        in_context = np.array([s == 1 for s in sequence_ids] + [False] * (len(start_logits) - len(sequence_ids)))
        norm = sum(float(np.logaddexp.reduce(x[in_context])) for x in (start_logits, end_logits))
        return float(np.exp(logit - norm))

    def dev_metric(self, eval_pred) -> dict[str, float]:
        """Share of dev windows whose start and end token are both right."""
        (start_logits, end_logits), (starts, ends) = eval_pred.predictions, eval_pred.label_ids
        hit = (np.asarray(start_logits).argmax(-1) == starts) & (np.asarray(end_logits).argmax(-1) == ends)
        return {"window_accuracy": float(hit.mean())}

    def dev_scorer(self, dev: Dataset, tokenizer, spec: ModelSpec) -> Callable[[Any], dict[str, float]]:
        """The dev questions scored as the test ones are (the primary metric on the best span of each question over
        its windows, per dev language, weighted by its questions), beside the window accuracy.

        The Trainer hands the dev windows back length-grouped, so each is found again by its token ids.
        """
        enc = self.window_features(dev, tokenizer, spec)
        pad = tokenizer.pad_token_id
        contexts, gold, langs = list(dev["context"]), self.gold(dev), list(dev["lang"])
        by_tokens: dict[tuple[int, ...], list[int]] = {}
        for i, ids in enumerate(enc["input_ids"]):
            by_tokens.setdefault(_window_key(ids, pad), []).append(i)

        def score(eval_pred) -> dict[str, float]:
            unclaimed = {key: list(windows) for key, windows in by_tokens.items()}
            order = []
            for ids in np.asarray(eval_pred.inputs):
                windows = unclaimed.get(_window_key(ids, pad))
                if not windows:
                    raise RuntimeError("a dev window the QA task did not build came back from the Trainer")
                order.append(windows.pop())
            start_logits, end_logits = (np.asarray(x) for x in eval_pred.predictions)
            predicted = [a.answer for a in self.best_answers(enc, contexts, zip(order, start_logits, end_logits,
                                                                                 strict=True))]
            total = 0.0
            for lang in sorted(set(langs)):
                rows = [i for i, row_lang in enumerate(langs) if row_lang == lang]
                metric = get_metric(self.primary_metric, lang)
                total += len(rows) * metric([gold[i] for i in rows], [predicted[i] for i in rows])
            return {self.primary_metric: total / len(langs), **self.dev_metric(eval_pred)}

        return score

    def frozen_features(self, encoder, tokenizer, spec: ModelSpec, batch_size: int) -> FrozenQAEncoder:
        return FrozenQAEncoder(self, encoder, tokenizer, spec, batch_size)

    def risk_texts(self, ds: Dataset) -> list[str]:
        """The question, then its context: all the model reads."""
        return [f"{q.strip()} {c}" for q, c in zip(ds["question"], ds["context"], strict=True)]

    def baseline_inputs(self, ds: Dataset) -> list[dict]:
        return [{"id": r["id"], "question": r["question"], "context": r["context"], "answers": r["answers"]}
                for r in ds]

    def init_head(self, model, baseline, label2id: dict[str, int]) -> None:
        """Start the span head from the frozen-encoder baseline's trained head (as the probe does elsewhere)."""
        with torch.no_grad():
            model.qa_outputs.weight.copy_(baseline.head.weight)
            model.qa_outputs.bias.copy_(baseline.head.bias)

    def prediction_record(self, row: dict, prediction: str) -> dict:
        return {"id": row["id"], "question": row["question"], "answers": row["answers"]["text"],
                "prediction": prediction}


def _window_key(ids, pad_id: int | None) -> tuple[int, ...]:
    """A window's token ids without padding (the collator's pad id, the Trainer's -100 between batches)."""
    return tuple(int(t) for t in ids if t != -100 and t != pad_id)
