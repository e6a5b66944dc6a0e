"""The pretrained encoder, kept frozen, as the QA task's frozen-feature provider.

Classification and tagging cache one vector per text or word before fine-tuning; QA needs every
token of every context window, so instead of a table this holds a private copy of the pretrained
encoder (fine-tuning changes the original in place) and runs it when the span-head baseline asks.
"""

from __future__ import annotations

import copy

import torch
from datasets import Dataset

from xlt.model.embed import length_sorted_batches
from xlt.model.spec import ModelSpec


class FrozenQAEncoder:
    """Hidden states of the pretrained encoder for QA windows, and span decoding with any head."""

    def __init__(self, task, encoder, tokenizer, spec: ModelSpec, batch_size: int = 32) -> None:
        self.task, self.tokenizer, self.spec, self.batch_size = task, tokenizer, spec, batch_size
        self.encoder = copy.deepcopy(encoder).eval().requires_grad_(False)

    # the frozen-feature protocol of the other tasks: nothing to precompute here
    def add_dataset(self, ds: Dataset, desc: str = "") -> None:
        pass

    def seal(self) -> None:
        pass

    @torch.inference_mode()
    def _states(self, input_ids: list[list[int]], attention_mask: list[list[int]]):
        """Yield ``(window index, hidden states of its real tokens)`` in length-sorted batches."""
        for idx in length_sorted_batches([len(ids) for ids in input_ids], self.batch_size):
            batch = self.tokenizer.pad({"input_ids": [input_ids[i] for i in idx],
                                        "attention_mask": [attention_mask[i] for i in idx]}, return_tensors="pt")
            hidden = self.encoder(**{k: v.to(self.encoder.device) for k, v in batch.items()}).last_hidden_state
            for row, i in enumerate(idx):
                yield i, hidden[row, : len(input_ids[i])].cpu()

    def training_windows(self, ds: Dataset) -> tuple[list[torch.Tensor], torch.Tensor, torch.Tensor]:
        """Hidden states (fp16, to halve the memory) and gold start/end token of every training window."""
        enc = self.task.encode(ds, self.tokenizer, self.spec, {})
        states: list[torch.Tensor] = [torch.empty(0)] * len(enc)
        for i, hidden in self._states(enc["input_ids"], enc["attention_mask"]):
            states[i] = hidden.half()
        return states, torch.tensor(enc["start_positions"]), torch.tensor(enc["end_positions"])

    @torch.inference_mode()
    def predict(self, ds: Dataset, head: torch.nn.Linear) -> list[str]:
        """The best answer span per question with ``head`` on the frozen hidden states."""
        enc = self.task.window_features(ds, self.tokenizer, self.spec)
        contexts = list(ds["context"])
        best: list[tuple[float, str]] = [(float("-inf"), "")] * len(ds)
        for i, hidden in self._states(enc["input_ids"], enc["attention_mask"]):
            logits = head(hidden.float()).numpy()
            example = enc["overflow_to_sample_mapping"][i]
            score, text = self.task.best_span(logits[:, 0], logits[:, 1], enc["offset_mapping"][i],
                                               enc.sequence_ids(i), contexts[example])
            if score > best[example][0]:
                best[example] = (score, text)
        return [text for _, text in best]
