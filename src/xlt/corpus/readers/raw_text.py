"""Read raw text: one sentence or document per line, one language per file (for MLM and vocabulary work).

Every non-blank line becomes one row ``{"id", "lang", "text"}``; blank lines are skipped; the text keeps its
inner spaces but loses the line ending and surrounding whitespace. The id is ``FILE:LINE`` (file name and
1-based line number), so a row can be traced back to its file. A byte that is not UTF-8 is a
:class:`~xlt.errors.DataError` naming the file and line.

Three ways to name the files (:func:`read_raw_texts`): a path with ``{lang}`` (``$XLT_DATA`` expanded;
every matching file when ``languages`` is omitted), a mapping language -> file(s), or one file / a list
of files of one language (``lang=``).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "de.txt").write_text("Hallo Welt.\\n\\n  Wie geht's?  \\n", encoding="utf-8")
>>> _ = (d / "fr.txt").write_text("Bonjour.\\n", encoding="utf-8")
>>> ds = read_raw_texts(str(d / "{lang}.txt"))
>>> ds["lang"][:], ds["text"][:], ds["id"][:]
(['de', 'de', 'fr'], ['Hallo Welt.', "Wie geht's?", 'Bonjour.'], ['de.txt:1', 'de.txt:3', 'fr.txt:1'])
>>> read_raw_texts({"de": [d / "de.txt", d / "fr.txt"]}, limit=1)["text"][:]
['Hallo Welt.']
>>> read_raw_text(d / "fr.txt", lang="fr")[0]
{'id': 'fr.txt:1', 'lang': 'fr', 'text': 'Bonjour.'}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import datasets

from xlt.corpus.paths import LANG_PLACEHOLDER, expand_env, language_files
from xlt.corpus.readers.lines import numbered_lines
from xlt.errors import ConfigError, DataError

#: Column order of a raw-text dataset.
RAW_TEXT_COLUMNS: tuple[str, ...] = ("id", "lang", "text")
RAW_TEXT_FEATURES = datasets.Features({name: datasets.Value("string") for name in RAW_TEXT_COLUMNS})

PathLike = str | Path


def iter_raw_text(path: PathLike) -> Iterator[tuple[int, str]]:
    """Yield ``(1-based line number, text)`` for every non-blank line of ``path``, stripped (streaming).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_text("a b\\r\\n\\n c\\n", encoding="utf-8")
    >>> list(iter_raw_text(p))
    [(1, 'a b'), (3, 'c')]
    """
    for lineno, line in numbered_lines(path):
        text = line.strip()
        if text:
            yield lineno, text


def read_raw_text(path: PathLike | Sequence[PathLike], *, lang: str, limit: int | None = None) -> datasets.Dataset:
    """Read one file, or several files of one language in order, into ``{"id", "lang", "text"}`` rows.

    ``limit``: keep the first ``limit`` non-blank lines (over all the files). No text line at all is a
    :class:`~xlt.errors.DataError`.
    """
    if not lang or not lang.strip():
        raise ConfigError(f"{path}: give the language of the text (lang)")
    if limit is not None and limit < 1:
        raise ConfigError(f"limit must be a positive number of lines, got {limit}")
    paths = [Path(path)] if isinstance(path, str | Path) else [Path(p) for p in path]
    if not paths:
        raise ConfigError(f"no text files given for language {lang!r}")
    ids: list[str] = []
    texts: list[str] = []
    for file in paths:
        for lineno, text in iter_raw_text(file):
            if limit is not None and len(texts) >= limit:
                break
            ids.append(f"{file.name}:{lineno}")
            texts.append(text)
    if not texts:
        where = paths[0] if len(paths) == 1 else ", ".join(map(str, paths))
        raise DataError("no text: every line is blank", path=where)
    if len(set(ids)) != len(ids):
        raise ConfigError(f"two of the files of {lang!r} have the same name, so row ids would repeat: "
                          f"{[str(p) for p in paths]}")
    return datasets.Dataset.from_dict({"id": ids, "lang": [lang] * len(ids), "text": texts},
                                      features=RAW_TEXT_FEATURES)


def read_raw_texts(files: PathLike | Sequence[PathLike] | Mapping[str, PathLike | Sequence[PathLike]], *,
                   languages: Sequence[str] | None = None, lang: str | None = None,
                   limit: int | None = None) -> datasets.Dataset:
    """Read raw text of one or many languages, concatenated in language order; ``limit`` is per language.

    ``files``: a path with ``{lang}`` (``languages`` picks languages, else every existing file), a mapping
    language -> file or list of files, or a file / list of files of the one language ``lang``.
    """
    if isinstance(files, Mapping):
        chosen = {k: v for k, v in files.items() if languages is None or k in languages}
        missing = sorted(set(languages or ()) - set(files))
        if missing:
            raise ConfigError(f"no text files for the languages {missing}; have {sorted(files)}")
        parts = [read_raw_text(paths, lang=code, limit=limit) for code, paths in chosen.items()]
    elif isinstance(files, str | Path) and LANG_PLACEHOLDER in str(files):
        if lang is not None:
            raise ConfigError(f"{files}: the language comes from {LANG_PLACEHOLDER}; drop lang={lang!r}")
        found = language_files(expand_env(str(files)), languages)
        parts = [read_raw_text(path, lang=code, limit=limit) for code, path in found.items()]
    else:
        if lang is None:
            if languages is not None and len(languages) == 1:
                lang = languages[0]
            else:
                raise ConfigError(f"{files}: say which language the text is in: {LANG_PLACEHOLDER} in the path, "
                                  "a mapping language -> files, or lang=")
        paths = [expand_env(str(files))] if isinstance(files, str | Path) else [expand_env(str(p)) for p in files]
        parts = [read_raw_text(paths, lang=lang, limit=limit)]
    if not parts:
        raise ConfigError("no languages selected")
    return parts[0] if len(parts) == 1 else datasets.concatenate_datasets(parts)
