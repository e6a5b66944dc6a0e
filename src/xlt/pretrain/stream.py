"""The training stream: each row holds one example per objective, each drawn from a temperature-sampled language.

A language (group) is drawn with probability ∝ size ** alpha (``xlt.corpus.sampling``), then its next
example from a shuffled pass over that language (reshuffled when used up). The stream is infinite and
deterministic for a seed, so a resumed run replays it to the same position.

>>> rows = iter(MixedStream({"mlm": GroupSampler({"de": ["a", "b"], "fr": ["c"]}, alpha=0.0, seed=0)}))
>>> sorted({next(rows)["mlm"][0] for _ in range(50)})
['de', 'fr']
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from torch.utils.data import IterableDataset

from xlt.corpus.sampling import sample_languages


class GroupSampler:
    """Infinite ``(group, example)`` draws from ``groups`` with temperature-sampled groups."""

    def __init__(self, groups: Mapping[str, Sequence[Any]], *, alpha: float, seed: int) -> None:
        self.groups = {g: list(v) for g, v in groups.items()}
        self.probabilities = sample_languages({g: len(v) for g, v in self.groups.items()}, alpha)
        self.seed = seed

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        rng = random.Random(self.seed)
        names = list(self.groups)
        weights = [self.probabilities[g] for g in names]
        orders: dict[str, list[int]] = {g: [] for g in names}
        while True:
            group = rng.choices(names, weights)[0]
            if not orders[group]:
                orders[group] = list(range(len(self.groups[group])))
                rng.shuffle(orders[group])
            yield group, self.groups[group][orders[group].pop()]


class MixedStream(IterableDataset):
    """Rows ``{objective: (group, example)}``; a batch of rows gives every objective one batch."""

    def __init__(self, samplers: Mapping[str, GroupSampler]) -> None:
        self.samplers = dict(samplers)

    def __iter__(self) -> Iterator[dict[str, tuple[str, Any]]]:
        streams = {name: iter(sampler) for name, sampler in self.samplers.items()}
        while True:
            yield {name: next(stream) for name, stream in streams.items()}


class MixedCollator:
    """Batch rows of :class:`MixedStream`: ``{objective: objective.collate(its examples)}``."""

    def __init__(self, objectives: Mapping[str, Any]) -> None:
        self.objectives = dict(objectives)

    def __call__(self, rows: Sequence[Mapping[str, tuple[str, Any]]]) -> dict[str, dict]:
        return {name: obj.collate([row[name] for row in rows]) for name, obj in self.objectives.items()}
