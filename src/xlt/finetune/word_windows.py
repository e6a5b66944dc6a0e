"""Words -> sub-token windows and back: one tag per input word, whatever the tokenizer does.

The first sub-token of each word carries the word's label; its other sub-tokens are ignored in the
loss. A sentence longer than the model's length is cut into overlapping windows *at word
boundaries* (each window starts with the model's input prefix), not truncated; at prediction each
word takes the logits of the window where it sits furthest from an edge. Written by hand because
the tokenizers' own overflow windows cut words in half and drop the prefix from later windows.

>>> plan_windows([1, 1, 1, 1, 1], budget=3, overlap=1)
[(0, 3), (2, 5)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

IGNORE = -100  # label of positions the loss skips (the Trainer's and PyTorch's convention)


def plan_windows(pieces_per_word: Sequence[int], budget: int, overlap: int) -> list[tuple[int, int]]:
    """Word ranges ``[start, end)`` whose sub-tokens fit ``budget``; consecutive ranges share ``overlap`` words."""
    n = len(pieces_per_word)
    if n == 0:
        return [(0, 0)]
    windows: list[tuple[int, int]] = []
    start = 0
    while True:
        end, used = start, 0
        while end < n and (end == start or used + min(pieces_per_word[end], budget) <= budget):
            used += min(pieces_per_word[end], budget)
            end += 1
        windows.append((start, end))
        if end >= n:
            return windows
        start = max(start + 1, end - overlap)


@dataclass
class Window:
    example: int  # index of the sentence
    input_ids: list[int]
    first_piece: dict[int, int] = field(default_factory=dict)  # word index -> position of its first sub-token
    start: int = 0
    end: int = 0

    def centrality(self, word: int) -> int:
        """How far ``word`` is from this window's nearest edge (larger: more context on both sides)."""
        return min(word - self.start, self.end - 1 - word)


def make_windows(tokenizer, sentences: Sequence[Sequence[str]], *, prefix: str, max_length: int,
                 overlap: int = 8) -> list[Window]:
    """Windows of model inputs for each sentence (a list of words)."""
    prefix_ids = tokenizer(prefix.split(), is_split_into_words=True, add_special_tokens=False)["input_ids"] \
        if prefix.strip() else []
    head, tail = special_tokens(tokenizer)
    budget = max(1, max_length - len(head) - len(tail) - len(prefix_ids))
    enc = tokenizer([list(s) for s in sentences], is_split_into_words=True, add_special_tokens=False)
    bare_space = _bare_word_start(tokenizer)
    windows: list[Window] = []
    for i, words in enumerate(sentences):
        pieces: list[list[int]] = [[] for _ in words]
        for token_id, word in zip(enc["input_ids"][i], enc.word_ids(i), strict=True):
            if word is not None:
                pieces[word].append(token_id)
        for start, end in plan_windows([len(p) for p in pieces], budget, overlap):
            content, first = list(prefix_ids), {}
            for word in range(start, end):
                if pieces[word]:
                    # SentencePiece often writes a CJK word as a bare "▁" then the characters: the bare
                    # marker says nothing about the word, so the next piece carries its label.
                    skip = int(len(pieces[word]) > 1 and pieces[word][0] == bare_space and budget > 1)
                    first[word] = len(head) + len(content) + skip
                    content.extend(pieces[word][:budget])
            windows.append(Window(i, head + content + tail, first, start, end))
    return windows


def _bare_word_start(tokenizer) -> int | None:
    """The id of a lone word-start marker (SentencePiece's ``▁``), if the vocabulary has one."""
    token_id = tokenizer.convert_tokens_to_ids("\u2581")
    return None if token_id is None or token_id == tokenizer.unk_token_id else token_id


def special_tokens(tokenizer) -> tuple[list[int], list[int]]:
    """The ids a tokenizer puts before and after a single sequence (``<s>`` ... ``</s>`` for XLM-R).

    Read off the tokenizer's own template: transformers 5 tokenizers no longer expose
    ``build_inputs_with_special_tokens``.
    """
    content = tokenizer("a", add_special_tokens=False)["input_ids"]
    full = tokenizer("a", add_special_tokens=True)["input_ids"]
    for start in range(len(full) - len(content) + 1):
        if full[start:start + len(content)] == content:
            return full[:start], full[start + len(content):]
    raise ValueError("cannot find the content inside the tokenizer's special-token template")


def window_labels(window: Window, tag_ids: Sequence[int]) -> list[int]:
    labels = [IGNORE] * len(window.input_ids)
    for word, position in window.first_piece.items():
        labels[position] = tag_ids[word]
    return labels


def words_from_windows(windows: Sequence[Window], logits: Sequence[np.ndarray], n_words: Sequence[int],
                       fallback: int) -> list[list[int]]:
    """One label id per word of each sentence: the most central window's argmax, else ``fallback``.

    ``fallback`` covers words the tokenizer turns into no sub-token at all (e.g. a lone zero-width space).
    """
    best: list[list[tuple[int, int]]] = [[(-1, fallback)] * n for n in n_words]
    for window, window_logits in zip(windows, logits, strict=True):
        for word, position in window.first_piece.items():
            score = window.centrality(word)
            if score > best[window.example][word][0]:
                best[window.example][word] = (score, int(window_logits[position].argmax()))
    return [[label for _, label in sentence] for sentence in best]
