"""``DataConfig``: the ``data:`` section of a training config -> train/dev/test splits, checked for leakage.

Either separate ``train`` / ``dev`` (optional) / ``test`` specs, or one ``pool`` split by item. Train and
dev keep the ``source_languages``; test keeps the sources (for the source score) and the
``target_languages`` (default: every other language of the test data). ``train``, ``dev`` and ``test`` may
each be a list of specs (files whose paths do not share one ``{lang}`` pattern): train/dev parts are merged
(the same language may come from several files; an id may not repeat), test parts must give distinct
``lang`` values, so two test sets of one language need a spec ``name`` (e.g. ``name: zh-gsd``). Every
spec must be of one task (classification, tagging or qa); splitting and the leakage check use ``id`` only.
In Python a spec may also be a ``datasets.Dataset`` or a pandas ``DataFrame`` (a ``memory`` spec, see
:class:`DataSpec`; its ``lang`` column, if any, gives the languages; for ``columns`` or ``languages`` give
``DataSpec(format="memory", data=..., columns=...)``).

>>> cfg = DataConfig(pool="builtin:emoji-groups", source_languages=["en"], target_languages=["de"])
>>> parts = cfg.load()
>>> sorted(set(values(parts["train"], "lang"))), sorted(set(values(parts["test"], "lang")))
(['en'], ['de', 'en'])
>>> cfg.split_manifest()["seed"]
0
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import datasets
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from xlt.config_file import field_error
from xlt.corpus.leakage import check_no_leakage, shared_ids
from xlt.corpus.schema import ID, LANG, values
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
    seed: int = Field(0, ge=0)  # numpy's generators take no negative seed
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
    >>> cfg = DataConfig(train="iob2:$XLT_DATA/uner/en_ewt-ud-dev.iob2", source_languages=["en"],
    ...                  test=[{"format": "iob2", "path": "$XLT_DATA/uner/zh_pud-ud-test.iob2", "languages": ["zh"]},
    ...                        {"format": "iob2", "path": "$XLT_DATA/uner/zh_gsd-ud-test.iob2", "languages": ["zh"],
    ...                         "name": "zh-gsd"}])
    >>> cfg.layout, len(cfg.test)
    ('tagging', 2)
    """

    model_config = ConfigDict(extra="forbid")

    train: DataSpec | list[DataSpec] | None = None
    dev: DataSpec | list[DataSpec] | None = None
    test: DataSpec | list[DataSpec] | None = None
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
        if isinstance(value, list):
            if not value:
                raise ValueError("an empty list of data specs; give at least one")
            specs = []
            for i, v in enumerate(value):
                try:
                    specs.append(DataSpec.parse(v) if isinstance(v, str) else _in_memory(v))
                except ConfigError as err:  # named by its place in the list: data.test.1
                    raise field_error(cls.__name__, (i,), str(err), v) from None
            return specs
        return DataSpec.parse(value) if isinstance(value, str) else _in_memory(value)

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
        layouts = {split: {spec.layout for spec in self.specs(split)} for split in ("pool", "train", "dev", "test")}
        if len(set().union(*layouts.values())) > 1:
            found = ", ".join(f"{split}: {'/'.join(sorted(t))}" for split, t in layouts.items() if t)
            raise ValueError(f"the data specs are of different layouts ({found}); all must be of one layout")
        return self

    @property
    def layout(self) -> str:
        """The layout of the data (``classification``, ``tagging``, ``qa``, ...), from the specs' layouts."""
        return next(spec.layout for split in ("pool", "train", "test") for spec in self.specs(split))

    def specs(self, split: str) -> list[DataSpec]:
        """The specs of ``split`` (``train``, ``dev``, ``test`` or ``pool``) as a list (empty if none)."""
        value = getattr(self, split)
        return [] if value is None else value if isinstance(value, list) else [value]

    def source_of(self, split: str) -> str | None:
        """Where ``split``'s data come from, for messages: its spec path(s), or the pool's.

        >>> DataConfig(train="tsv:a/{lang}.tsv", test=["tsv:b.tsv", "tsv:c.tsv"]).source_of("test")
        'b.tsv, c.tsv'
        """
        specs = self.specs(split) or self.specs("pool")
        paths = [spec.path or spec.format for spec in specs]
        return ", ".join(paths) if paths else None

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
            train = _load_all([self._for_sources(s) for s in self.specs("train")], "train")
            test = _load_all(self.specs("test"), "test")
            dev = (_load_all([self._for_sources(s, self.dev_languages) for s in self.specs("dev")], "dev")
                   if self.dev is not None else None)

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


def _in_memory(value: Any) -> Any:
    """A ``datasets.Dataset`` or pandas ``DataFrame`` given in Python as a ``memory`` spec; else ``value``."""
    if isinstance(value, datasets.Dataset) or type(value).__name__ == "DataFrame":
        return DataSpec(format="memory", data=value)
    return value


def _load_all(specs: list[DataSpec], split: str) -> datasets.Dataset:
    """Load and concatenate ``specs``. Test parts must give distinct ``lang`` values; no ``(id, lang)``
    may come from two parts."""
    parts = [spec.load() for spec in specs]
    if len(parts) == 1:
        return parts[0]
    first: dict[tuple[str, str], int] = {}
    lang_from: dict[str, int] = {}
    for i, part in enumerate(parts):
        part_langs = set(values(part, LANG))
        if split == "test":
            for lang in sorted(part_langs):
                if lang in lang_from:
                    example = Path(specs[i].path).stem.split("-")[0] if specs[i].path else f"{lang}-2"
                    raise ConfigError(
                        f"test specs {lang_from[lang] + 1} ({_shown(specs[lang_from[lang]])}) and {i + 1} "
                        f"({_shown(specs[i])}) both give language {lang!r}; give one a name to report it "
                        f"apart (e.g. name: {example})")
                lang_from[lang] = i
        for key in zip(values(part, ID), values(part, LANG), strict=True):
            if key in first and first[key] != i:
                raise DataError(f"{split} specs {first[key] + 1} ({_shown(specs[first[key]])}) and {i + 1} "
                                f"({_shown(specs[i])}) both have id {key[0]!r} in language {key[1]!r}; an id "
                                "names one item per language", field=ID)
            first.setdefault(key, i)
    return datasets.concatenate_datasets(parts)


def _shown(spec: DataSpec) -> str:
    return spec.path or spec.format


def _require_languages(ds: datasets.Dataset, languages: list[str], option: str, split: str) -> None:
    have = set(values(ds, LANG))
    missing = sorted(set(languages) - have)
    if missing:
        raise DataError(f"{option} {missing} not in the {split} data, which has {sorted(have)}", field=option)
