"""Read translation pairs: line-aligned parallel files (Tatoeba, NTREX-128) and parallel treebanks (UD PUD).

A parallel dataset has one row per pair: ``id`` (the pair's id, e.g. its line number), ``src_lang``,
``tgt_lang``, ``src`` and ``tgt`` (the two sentences). The presets read the shared data with English as
the target side (``xx -> en``):

- ``tatoeba``: ``$XLT_DATA/tatoeba/tatoeba.{lang}-eng.{lang}`` with ``tatoeba.{lang}-eng.eng`` (LASER's
  Tatoeba test, 1000 pairs per language; codes deu, fra, spa, cmn, ara, rus).
- ``ntrex``: ``$XLT_DATA/parallel/ntrex128/newstest2019-ref.{lang}.txt`` with ``newstest2019-src.eng.txt``
  (1997 news sentences; codes deu, spa, fra, zho-CN, ...; ids ``DOCUMENT:LINE`` from ``DOCUMENT_IDS.tsv``).
- ``pud``: the ``# text =`` lines of ``$XLT_DATA/ud_pud/{lang}_pud-ud-test.conllu`` with those of
  ``en_pud-ud-test.conllu``, matched by ``# sent_id`` (1000 sentences; codes de, fr, es, zh).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "x.de").write_text("Hallo.\\nDanke.\\n", encoding="utf-8")
>>> _ = (d / "x.en").write_text("Hello.\\nThanks.\\n", encoding="utf-8")
>>> read_parallel(d / "x.de", d / "x.en", src_lang="de", tgt_lang="en")[1]
{'id': '2', 'src_lang': 'de', 'tgt_lang': 'en', 'src': 'Danke.', 'tgt': 'Thanks.'}
>>> spec = ParallelSpec.parse(f"lines:{d}/x.{{lang}}|{d}/x.en", tgt_lang="en", languages=["de"])
>>> spec.load()["src"][:]
['Hallo.', 'Danke.']
>>> sorted(PARALLEL_PRESETS)
['ntrex', 'pud', 'tatoeba']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import datasets
from pydantic import BaseModel, ConfigDict, PositiveInt, ValidationError, model_validator

from xlt.config_file import describe_validation_error, read_yaml
from xlt.corpus.paths import LANG_PLACEHOLDER, expand_env, language_files
from xlt.corpus.readers.lines import numbered_lines
from xlt.corpus.readers.sentences import sentence_blocks
from xlt.errors import ConfigError, DataError

#: Column order of a parallel dataset.
PARALLEL_COLUMNS: tuple[str, ...] = ("id", "src_lang", "tgt_lang", "src", "tgt")
PARALLEL_FEATURES = datasets.Features({name: datasets.Value("string") for name in PARALLEL_COLUMNS})

PathLike = str | Path
Blank = Literal["error", "skip"]
ParallelFormat = Literal["lines", "pud"]

_TEXT = re.compile(r"#\s*text\s*=\s?(.*?)\s*$")


def _lines(path: PathLike) -> list[tuple[int, str]]:
    return [(lineno, line.rstrip("\r\n").strip()) for lineno, line in numbered_lines(path)]


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 1:
        raise ConfigError(f"limit must be a positive number of pairs, got {limit}")


def _dataset(ids: list[str], src_lang: str, tgt_lang: str, src: list[str], tgt: list[str],
             where: str) -> datasets.Dataset:
    if not ids:
        raise DataError("no sentence pairs", path=where)
    n = len(ids)
    return datasets.Dataset.from_dict({"id": ids, "src_lang": [src_lang] * n, "tgt_lang": [tgt_lang] * n,
                                       "src": src, "tgt": tgt}, features=PARALLEL_FEATURES)


def read_parallel(src_path: PathLike, tgt_path: PathLike, *, src_lang: str, tgt_lang: str,
                  limit: int | None = None, ids_path: PathLike | None = None,
                  blank: Blank = "error") -> datasets.Dataset:
    """Read two line-aligned files (line *i* of one translates line *i* of the other) into pairs.

    The id is the 1-based line number, or ``DOC:LINE`` when ``ids_path`` gives a document id per line
    (NTREX's ``DOCUMENT_IDS.tsv``). Files with different numbers of lines are a
    :class:`~xlt.errors.DataError` naming both files. A line blank on both sides is skipped; a line blank on
    one side only is an error naming the file and line, or the pair is dropped with ``blank="skip"``.
    ``limit``: the first ``limit`` pairs. A bad UTF-8 byte is an error naming the file and line.
    """
    _check_limit(limit)
    if blank not in ("error", "skip"):
        raise ConfigError(f"blank must be 'error' or 'skip', got {blank!r}")
    src_lines, tgt_lines = _lines(src_path), _lines(tgt_path)
    if len(src_lines) != len(tgt_lines):
        raise DataError(f"the line-aligned files have different numbers of lines: {src_path} has "
                        f"{len(src_lines)}, {tgt_path} has {len(tgt_lines)}; line i of one must translate "
                        "line i of the other", path=src_path)
    docs: list[str] | None = None
    if ids_path is not None:
        docs = [text for _, text in _lines(ids_path)]
        if len(docs) != len(src_lines):
            raise DataError(f"{ids_path} has {len(docs)} lines, the parallel files {src_path} and {tgt_path} "
                            f"have {len(src_lines)}; give one id per line", path=ids_path)
    ids: list[str] = []
    src: list[str] = []
    tgt: list[str] = []
    for (lineno, s), (_, t) in zip(src_lines, tgt_lines, strict=True):
        if limit is not None and len(ids) >= limit:
            break
        if not s and not t:
            continue
        if not s or not t:
            if blank == "skip":
                continue
            empty = src_path if not s else tgt_path
            other = tgt_path if not s else src_path
            raise DataError(f"blank line, but line {lineno} of {other} is not (a missing translation?); "
                            "pass blank='skip' to drop such pairs", path=empty, line=lineno)
        if docs is not None and not docs[lineno - 1]:
            raise DataError("empty id", path=ids_path, line=lineno)
        ids.append(f"{docs[lineno - 1]}:{lineno}" if docs is not None else str(lineno))
        src.append(s)
        tgt.append(t)
    return _dataset(ids, src_lang, tgt_lang, src, tgt, f"{src_path} + {tgt_path}")


def treebank_texts(path: PathLike) -> dict[str, tuple[int, str]]:
    """``sent_id -> (line, text)`` from the ``# sent_id`` and ``# text =`` comments of a CoNLL-U file.

    A sentence without a ``sent_id`` or a ``text`` comment, or a repeated ``sent_id``, is a
    :class:`~xlt.errors.DataError` naming the file and line. (``# text_en`` and other comments are ignored.)

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "de.conllu"
    >>> _ = p.write_text("# sent_id = a1\\n# text = Hallo .\\n1\\tHallo\\n\\n", encoding="utf-8")
    >>> treebank_texts(p)
    {'a1': (1, 'Hallo .')}
    """
    texts: dict[str, tuple[int, str]] = {}
    for block in sentence_blocks(path, comments=True):
        sent_id = block.sent_id
        if sent_id is None:
            raise DataError("sentence without a '# sent_id =' comment", path=path, line=block.first_line,
                            field="sent_id")
        text = next((m.group(1) for _, c in block.comments if (m := _TEXT.match(c))), None)
        if not text:
            raise DataError(f"sentence {sent_id!r} has no '# text =' comment", path=path, line=block.first_line,
                            field="text")
        if sent_id in texts:
            raise DataError(f"duplicate sent_id {sent_id!r} (first on line {texts[sent_id][0]})", path=path,
                            line=block.first_line, field="sent_id")
        texts[sent_id] = (block.first_line, text)
    if not texts:
        raise DataError("no sentences", path=path)
    return texts


def read_treebank_pairs(src_path: PathLike, tgt_path: PathLike, *, src_lang: str, tgt_lang: str,
                        limit: int | None = None) -> datasets.Dataset:
    """Pairs from two parallel treebanks (e.g. UD PUD): the ``# text =`` sentences matched by ``# sent_id``.

    The id is the ``sent_id``; pairs come in the order of ``src_path``. A ``sent_id`` present in one file
    only is a :class:`~xlt.errors.DataError` naming both files and a few of the ids.
    """
    _check_limit(limit)
    src_texts, tgt_texts = treebank_texts(src_path), treebank_texts(tgt_path)
    for a, b, path_a, path_b in ((src_texts, tgt_texts, src_path, tgt_path), (tgt_texts, src_texts, tgt_path,
                                                                              src_path)):
        missing = [sid for sid in a if sid not in b]
        if missing:
            raise DataError(f"{len(missing)} sent_ids of {path_a} are not in {path_b} (e.g. {missing[:3]}); "
                            "parallel treebanks must hold the same sentences", path=path_a,
                            line=a[missing[0]][0], field="sent_id")
    ids = list(src_texts)[:limit] if limit is not None else list(src_texts)
    return _dataset(ids, src_lang, tgt_lang, [src_texts[i][1] for i in ids], [tgt_texts[i][1] for i in ids],
                    f"{src_path} + {tgt_path}")


class ParallelPreset(BaseModel):
    """Where a known parallel data set lies: the format, the two path templates and the target language."""

    format: ParallelFormat
    src: str
    tgt: str
    tgt_lang: str
    ids: str | None = None


PARALLEL_PRESETS: dict[str, ParallelPreset] = {
    "tatoeba": ParallelPreset(format="lines", src="$XLT_DATA/tatoeba/tatoeba.{lang}-eng.{lang}",
                              tgt="$XLT_DATA/tatoeba/tatoeba.{lang}-eng.eng", tgt_lang="eng"),
    "ntrex": ParallelPreset(format="lines", src="$XLT_DATA/parallel/ntrex128/newstest2019-ref.{lang}.txt",
                            tgt="$XLT_DATA/parallel/ntrex128/newstest2019-src.eng.txt", tgt_lang="eng",
                            ids="$XLT_DATA/parallel/ntrex128/DOCUMENT_IDS.tsv"),
    "pud": ParallelPreset(format="pud", src="$XLT_DATA/ud_pud/{lang}_pud-ud-test.conllu",
                          tgt="$XLT_DATA/ud_pud/en_pud-ud-test.conllu", tgt_lang="en"),
}


class ParallelSpec(BaseModel):
    """Translation pairs of one or more languages with one target language (``xx -> tgt_lang``).

    Forms accepted by :meth:`parse`: a preset name (``tatoeba``, ``ntrex``, ``pud``, see the module
    docstring); ``"FORMAT:SRC|TGT"`` with FORMAT ``lines`` (line-aligned files) or ``pud`` (CoNLL-U
    ``# text`` lines matched by ``sent_id``), SRC a path with ``{lang}`` and TGT the target file (it may
    use ``{lang}`` too), plus ``tgt_lang``; a ``.yaml`` file or a mapping of the fields.

    Fields: ``format``, ``src``, ``tgt``, ``tgt_lang``, ``languages`` (default: every language whose source
    file exists, except ``tgt_lang``), ``limit`` (first pairs per language), ``ids`` (a document-id file,
    ``lines`` only), ``blank`` (``lines``: ``error`` or ``skip``), ``preset`` (informative).

    >>> ParallelSpec.parse("tatoeba", languages=["deu"]).src
    '$XLT_DATA/tatoeba/tatoeba.{lang}-eng.{lang}'
    """

    model_config = ConfigDict(extra="forbid")

    format: ParallelFormat
    src: str
    tgt: str
    tgt_lang: str
    languages: list[str] | None = None
    limit: PositiveInt | None = None
    ids: str | None = None
    blank: Blank = "error"
    preset: str | None = None

    @model_validator(mode="after")
    def _check(self) -> ParallelSpec:
        if LANG_PLACEHOLDER not in self.src:
            raise ValueError(f"src must have a {LANG_PLACEHOLDER} placeholder, got {self.src!r}")
        if self.languages is not None and (not self.languages or len(set(self.languages)) != len(self.languages)):
            raise ValueError(f"languages must be non-empty and without duplicates, got {self.languages}")
        if self.format == "pud" and (self.ids is not None or self.blank != "error"):
            raise ValueError("ids and blank are options of the lines format")
        return self

    @classmethod
    def parse(cls, spec: str | Path | Mapping[str, Any] | ParallelSpec, **overrides: Any) -> ParallelSpec:
        """Build a spec from any of the forms in the class docstring; ``overrides`` (not None) set fields."""
        if isinstance(spec, ParallelSpec):
            fields = spec.model_dump(exclude_unset=True)
        elif isinstance(spec, Mapping):
            fields = dict(spec)
        else:
            fields = _parse_string(str(spec))
        preset = fields.pop("preset", None) if isinstance(fields.get("preset"), str) else None
        if preset is not None:
            if preset not in PARALLEL_PRESETS:
                raise ConfigError(f"unknown parallel preset {preset!r}; use one of {sorted(PARALLEL_PRESETS)}")
            fields = {**PARALLEL_PRESETS[preset].model_dump(exclude_none=True), **fields, "preset": preset}
        fields.update({k: v for k, v in overrides.items() if v is not None})
        if "tgt_lang" not in fields and "format" in fields:
            raise ConfigError(f"parallel data spec {str(spec)!r}: no target language: give the language of TGT "
                              "with --target-lang LANG (xlt evaluate) or tgt_lang: LANG (a spec mapping or YAML file)")
        try:
            return cls.model_validate(fields)
        except ValidationError as e:
            problems = describe_validation_error(e, fields).replace("\n", "; ")
            raise ConfigError(f"bad parallel data spec {str(spec)!r}: {problems}") from None

    @property
    def name(self) -> str:
        """A short name: the preset, else the source template's file name."""
        return self.preset or Path(self.src).name

    def files(self) -> dict[str, tuple[Path, Path]]:
        """Language -> (source file, target file), paths expanded."""
        found = language_files(expand_env(self.src), self.languages)
        if self.languages is None:
            found = {lang: path for lang, path in found.items() if lang != self.tgt_lang}
        tgt = expand_env(self.tgt)
        return {lang: (path, Path(tgt.replace(LANG_PLACEHOLDER, lang))) for lang, path in found.items()}

    def load_pairs(self) -> dict[str, datasets.Dataset]:
        """Language -> its pairs (``src_lang`` = the language, ``tgt_lang`` = :attr:`tgt_lang`)."""
        out: dict[str, datasets.Dataset] = {}
        for lang, (src, tgt) in self.files().items():
            if self.format == "pud":
                out[lang] = read_treebank_pairs(src, tgt, src_lang=lang, tgt_lang=self.tgt_lang, limit=self.limit)
            else:
                ids = expand_env(self.ids) if self.ids is not None else None
                out[lang] = read_parallel(src, tgt, src_lang=lang, tgt_lang=self.tgt_lang, limit=self.limit,
                                          ids_path=ids, blank=self.blank)
        return out

    def load(self) -> datasets.Dataset:
        """All pairs of all languages in one dataset (group by ``src_lang``)."""
        parts = list(self.load_pairs().values())
        return parts[0] if len(parts) == 1 else datasets.concatenate_datasets(parts)


def _parse_string(text: str) -> dict[str, Any]:
    if text in PARALLEL_PRESETS:
        return {"preset": text}
    head, sep, rest = text.partition(":")
    if sep and head in ("lines", "pud"):
        src, bar, tgt = rest.partition("|")
        if not bar or not src or not tgt:
            raise ConfigError(f"bad parallel data spec {text!r}: write {head}:SRC|TGT, SRC a path with "
                              f"{LANG_PLACEHOLDER} and TGT the target-language file")
        return {"format": head, "src": src, "tgt": tgt}
    if Path(text).suffix.lower() in (".yaml", ".yml"):
        path = Path(text)
        fields = read_yaml(path, what="parallel data spec file", example="format: ..., src: ...")
        for key in ("src", "tgt", "ids"):
            value = fields.get(key)
            if isinstance(value, str) and not value.startswith(("$", "~", "/")):
                fields[key] = str(path.parent / value)
        return fields
    raise ConfigError(f"cannot read the parallel data spec {text!r}; use a preset {sorted(PARALLEL_PRESETS)}, "
                      "lines:SRC|TGT, pud:SRC|TGT (SRC with {lang}) or a .yaml file")


def read_tatoeba(lang: str, *, limit: int | None = None) -> datasets.Dataset:
    """Tatoeba pairs ``lang -> eng`` from ``$XLT_DATA/tatoeba`` (LASER test set, 1000 pairs)."""
    return ParallelSpec.parse("tatoeba", languages=[lang], limit=limit).load()


def read_ntrex(lang: str, *, limit: int | None = None) -> datasets.Dataset:
    """NTREX-128 pairs ``lang -> eng`` from ``$XLT_DATA/parallel/ntrex128`` (1997 news sentences)."""
    return ParallelSpec.parse("ntrex", languages=[lang], limit=limit).load()


def read_pud(lang: str, *, limit: int | None = None) -> datasets.Dataset:
    """UD PUD ``# text`` pairs ``lang -> en`` from ``$XLT_DATA/ud_pud`` (1000 sentences, by sent_id)."""
    return ParallelSpec.parse("pud", languages=[lang], limit=limit).load()


def pairs_of(ds: datasets.Dataset) -> tuple[list[str], list[str]]:
    """The source and target sentences of a parallel dataset, as two aligned lists.

    >>> pairs_of(datasets.Dataset.from_dict({"src": ["a"], "tgt": ["b"]}))
    (['a'], ['b'])
    """
    return list(ds["src"][:]), list(ds["tgt"][:])


__all__: Sequence[str] = [
    "PARALLEL_COLUMNS", "PARALLEL_FEATURES", "PARALLEL_PRESETS", "ParallelPreset", "ParallelSpec", "pairs_of",
    "read_ntrex", "read_parallel", "read_pud", "read_tatoeba", "read_treebank_pairs", "treebank_texts",
]
