"""``DataConfig``: the ``data:`` section of a training config -> train/dev/test splits, checked for leakage.

Either separate ``train`` / ``dev`` (optional) / ``test`` specs, or one ``pool`` split by item. Train and
dev keep the ``source_languages``; test keeps the sources (for the source score) and the
``target_languages`` (default: every other language of the test data).

>>> cfg = DataConfig(pool="builtin:emoji-groups", source_languages=["en"], target_languages=["de"])
>>> parts = cfg.load()
>>> sorted(set(values(parts["train"], "lang"))), sorted(set(values(parts["test"], "lang")))
(['en'], ['de', 'en'])
>>> cfg.split_manifest()["seed"]
0
"""

from __future__ import annotations

import logging
from typing import Any

import datasets
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from xlt.corpus.leakage import check_no_leakage, shared_ids
from xlt.corpus.schema import LANG, values
from xlt.corpus.spec import DataSpec
from xlt.corpus.split import split_by_item, split_manifest
from xlt.corpus.subset import select_languages
from xlt.errors import ConfigError, DataError

log = logging.getLogger(__name__)


class SplitConfig(BaseModel):
    """Item fractions of a pool split (sum 1) and the seed. Without a dev spec, dev is carved from train
    with the share ``dev / (train + dev)`` of its items.

    >>> SplitConfig(train=0.8, dev=0.0, test=0.2).seed
    0
    """

    model_config = ConfigDict(extra="forbid")

    train: float = Field(0.7, gt=0, le=1)
    dev: float = Field(0.1, ge=0, lt=1)
    test: float = Field(0.2, ge=0, lt=1)
    seed: int = 0
    group_by: str | None = None  # e.g. "text": items sharing a source-language text stay in one split

    @model_validator(mode="after")
    def _sums_to_one(self) -> SplitConfig:
        if abs(self.train + self.dev + self.test - 1) > 1e-6:
            raise ValueError(f"train + dev + test must be 1, got {self.train} + {self.dev} + {self.test}")
        return self


class DataConfig(BaseModel):
    """Where the train/dev/test data come from, and which languages are source and target.

    Specs may be written in any :class:`DataSpec` form (e.g. ``train: "sib200:$XLT_DATA/..."``); a train or
    dev spec without ``languages`` reads the ``source_languages`` (so a one-language file needs no more).
    ``allow_overlap`` turns the train/test id-overlap error into a warning (only for files whose ids
    are unrelated, e.g. row numbers of two different data sets).

    >>> DataConfig(train="builtin:emoji-groups", test="builtin:emoji-groups").split.train
    0.7
    """

    model_config = ConfigDict(extra="forbid")

    train: DataSpec | None = None
    dev: DataSpec | None = None
    test: DataSpec | None = None
    pool: DataSpec | None = None
    split: SplitConfig = Field(default_factory=SplitConfig)
    source_languages: list[str] | None = None
    target_languages: list[str] | None = None
    dev_languages: list[str] | None = None  # default: the source languages (zero-shot model selection)
    allow_overlap: bool = False
    _manifest: dict[str, Any] | None = PrivateAttr(default=None)

    @field_validator("train", "dev", "test", "pool", mode="before")
    @classmethod
    def _parse_spec(cls, value: Any) -> Any:
        return DataSpec.parse(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_source(self) -> DataConfig:
        if self.pool is not None and any(s is not None for s in (self.train, self.dev, self.test)):
            raise ValueError("give either pool (split by item) or train/dev/test, not both")
        if self.pool is None and (self.train is None or self.test is None):
            raise ValueError("give train and test (dev optional), or one pool to split by item")
        for name in ("source_languages", "target_languages"):
            langs = getattr(self, name)
            if langs is not None and (not langs or len(set(langs)) != len(langs)):
                raise ValueError(f"{name} must be a non-empty list without duplicates, got {langs}")
        return self

    def load(self) -> datasets.DatasetDict:
        """Load, split, filter by language and check for leakage; returns ``train``, ``dev``, ``test``."""
        split = self.split
        if self.pool is not None:
            parts = split_by_item(self.pool.load(), split.train, split.dev, split.test, seed=split.seed,
                                  group_by=split.group_by,
                                  group_language=self.source_languages[0] if self.source_languages else None)
            train, dev, test = parts["train"], parts["dev"], parts["test"]
        else:
            assert self.train is not None and self.test is not None
            train, test = self._for_sources(self.train).load(), self.test.load()
            dev = self._for_sources(self.dev, self.dev_languages).load() if self.dev is not None else None

        sources = self.source_languages or sorted(set(values(train, LANG)))
        _require_languages(train, sources, "source_languages", "train")
        train = select_languages(train, sources)
        if dev is None:
            share = split.dev / (split.train + split.dev)
            carved = split_by_item(train, 1 - share, share, 0.0, seed=split.seed, group_by=split.group_by)
            train, dev = carved["train"], carved["dev"]
        else:
            dev_languages = self.dev_languages or sources
            _require_languages(dev, dev_languages, "dev_languages", "dev")
            dev = select_languages(dev, dev_languages)

        in_test = set(values(test, LANG))
        targets = self.target_languages or sorted(in_test - set(sources))
        _require_languages(test, targets, "target_languages", "test")
        test = select_languages(test, [lang for lang in sources if lang in in_test] + targets)

        seen = {"train": train, "dev": dev}
        if self.allow_overlap:
            for name, part in seen.items():
                if both := shared_ids(test, part):
                    log.warning("%d test item(s) also occur in %s (allow_overlap is set)", len(both), name)
        else:
            check_no_leakage(test, **seen)
        if both := shared_ids(dev, train):
            log.warning("%d dev item(s) also occur in train; dev scores will be optimistic", len(both))

        parts = datasets.DatasetDict(train=train, dev=dev, test=test)
        self._manifest = split_manifest(
            parts, seed=split.seed, fractions={"train": split.train, "dev": split.dev, "test": split.test},
            source_languages=list(sources), target_languages=list(targets),
            data=self.model_dump(mode="json", exclude_none=True))
        return parts

    def _for_sources(self, spec: DataSpec, languages: list[str] | None = None) -> DataSpec:
        """``spec`` with ``languages`` defaulting to ``languages`` or else the source languages."""
        languages = languages or self.source_languages
        if spec.languages is not None or spec.is_builtin or languages is None:
            return spec
        return spec.model_copy(update={"languages": list(languages)})

    def split_manifest(self) -> dict[str, Any]:
        """The record of the last :meth:`load`: ids and rows per language of each split, seed, languages."""
        if self._manifest is None:
            raise ConfigError("call DataConfig.load() before split_manifest()")
        return self._manifest


def _require_languages(ds: datasets.Dataset, languages: list[str], option: str, split: str) -> None:
    have = set(values(ds, LANG))
    missing = sorted(set(languages) - have)
    if missing:
        raise DataError(f"{option} {missing} not in the {split} data, which has {sorted(have)}", field=option)
