"""Load the data of an objective: monolingual text per language, or translation pairs per language pair.

Reading is done by ``xlt.corpus.readers`` (raw text, line-aligned files, PUD treebanks); this module only
applies ``skip``/``limit`` and groups: text by language (``"deu"``), pairs by language pair (``"deu-eng"``).
"""

from __future__ import annotations

from collections.abc import Sequence

from xlt.corpus.readers.parallel import ParallelSpec
from xlt.corpus.readers.raw_text import read_raw_texts
from xlt.errors import ConfigError
from xlt.pretrain.config import SourceSpec

Mono = dict[str, list[str]]  # language -> sentences
Pairs = dict[str, list[tuple[str, str]]]  # "src-tgt" -> (source, target) pairs


def _window(rows: list, source: SourceSpec) -> list:
    end = None if source.limit is None else source.skip + source.limit
    return rows[source.skip:end]


def _read_limit(source: SourceSpec) -> int | None:
    return None if source.limit is None else source.skip + source.limit


def _parallel_spec(source: SourceSpec) -> ParallelSpec:
    return ParallelSpec.parse(source.parallel, languages=source.languages, limit=_read_limit(source))


def load_pairs(sources: Sequence[SourceSpec]) -> Pairs:
    """Translation pairs grouped by ``"src_lang-tgt_lang"``; a text-only source is a :class:`ConfigError`."""
    out: Pairs = {}
    for source in sources:
        if source.parallel is None:
            raise ConfigError(f"source {source.text!r} is raw text, but this objective needs translation pairs "
                              "(parallel: ntrex / tatoeba / pud / lines:SRC|TGT)")
        spec = _parallel_spec(source)
        for lang, ds in spec.load_pairs().items():
            pairs = _window(list(zip(ds["src"][:], ds["tgt"][:], strict=True)), source)
            out.setdefault(f"{lang}-{spec.tgt_lang}", []).extend(pairs)
    return _non_empty(out)


def load_mono(sources: Sequence[SourceSpec]) -> Mono:
    """Sentences grouped by language; parallel sources give the sentences of ``sides`` (each text once)."""
    out: Mono = {}
    for source in sources:
        if source.text is not None:
            ds = read_raw_texts(source.text, languages=source.languages, limit=_read_limit(source))
            by_lang: Mono = {}
            for lang, text in zip(ds["lang"][:], ds["text"][:], strict=True):
                by_lang.setdefault(lang, []).append(text)
            for lang, texts in by_lang.items():
                out.setdefault(lang, []).extend(_window(texts, source))
            continue
        spec = _parallel_spec(source)
        for lang, ds in spec.load_pairs().items():
            if source.sides in ("both", "src"):
                out.setdefault(lang, []).extend(_window(list(ds["src"][:]), source))
            if source.sides in ("both", "tgt"):
                out.setdefault(spec.tgt_lang, []).extend(_window(list(ds["tgt"][:]), source))
    return _non_empty({lang: list(dict.fromkeys(texts)) for lang, texts in out.items()})  # English once, not per pair


def split_heldout(mono: Mono, per_language: int) -> tuple[Mono, Mono]:
    """Keep the LAST ``per_language`` sentences of each language (at most a fifth of it) out of training."""
    train: Mono = {}
    heldout: Mono = {}
    for lang, texts in mono.items():
        n = min(per_language, len(texts) // 5)
        train[lang] = texts[:len(texts) - n]
        if n:
            heldout[lang] = texts[len(texts) - n:]
    return train, heldout


def _non_empty(groups: dict) -> dict:
    empty = sorted(k for k, v in groups.items() if not v)
    if empty:
        raise ConfigError(f"no data left for {empty} (check skip / limit)")
    if not groups:
        raise ConfigError("the data sources gave no text")
    return groups
