"""``DataSpec``: where one data set comes from and how to read it (a config value or a CLI string).

>>> DataSpec.parse("tsv:$XLT_DATA/sib200/{lang}/test.tsv", languages=["deu_Latn"]).format
'tsv'
>>> DataSpec.parse("builtin:emoji-groups", languages=["en"], limit=3).load().num_rows
3
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

import datasets
import yaml
from pydantic import BaseModel, ConfigDict, PositiveInt, ValidationError, model_validator

from xlt.corpus.paths import LANG_PLACEHOLDER, expand_env, language_files
from xlt.corpus.readers.builtin import builtin_languages, load_builtin
from xlt.corpus.readers.presets import PRESETS
from xlt.corpus.readers.table import TABLE_FORMATS, ColumnRef, Columns, read_table
from xlt.errors import ConfigError

Format = Literal["jsonl", "csv", "tsv", "xnli", "pawsx", "sib200", "builtin:emoji-groups"]
FORMATS: tuple[str, ...] = get_args(Format)
BUILTIN_PREFIX = "builtin:"
_SUFFIX_FORMATS = {".jsonl": "jsonl", ".csv": "csv", ".tsv": "tsv"}
_YAML_SUFFIXES = (".yaml", ".yml")


class DataSpec(BaseModel):
    """One data set: a format, a path and which languages/columns/rows to take.

    Forms accepted by :meth:`DataSpec.parse` (and by configs, where a string or a mapping may be given):

    - ``"FORMAT:PATH"`` with FORMAT one of jsonl, csv, tsv, xnli, pawsx, sib200, e.g.
      ``"tsv:$XLT_DATA/sib200/{lang}/test.tsv"`` or ``"sib200:$XLT_DATA/sib200/{lang}/test.tsv"``.
    - ``"xnli"`` or ``"pawsx"``: the preset at its usual place, ``$XLT_DATA/xnli/dev-{lang}.tsv``.
    - ``"data/en.jsonl"``: a path whose suffix (.jsonl, .csv, .tsv) gives the format.
    - ``"builtin:emoji-groups"``: a built-in data set (``languages`` filters it; default all).
    - ``"spec.yaml"``: a YAML mapping of the fields below; a relative ``path`` in it is relative to the YAML.
    - a mapping of the fields, e.g. ``{"format": "jsonl", "path": "x.jsonl", "languages": ["en"]}``.

    Fields: ``format``; ``path`` (``$XLT_DATA``, ``${XLT_DATA}`` and ``~`` are expanded when loading;
    ``{lang}`` is filled from ``languages``, or from every existing file when ``languages`` is omitted);
    ``languages``; ``columns`` (see :class:`~xlt.corpus.readers.table.Columns`); ``lang_column`` (a
    language column instead of one file per language); ``header`` and ``names`` (CSV/TSV without a
    header: columns as 0-based indices or as ``names``); ``limit`` (first rows per language).
    Without ``{lang}`` or a language column, ``languages`` must name the file's one language.

    >>> spec = DataSpec(format="jsonl", path="train.jsonl", languages=["en"], columns={"text": "sentence"})
    >>> spec.columns.text
    'sentence'
    """

    model_config = ConfigDict(extra="forbid")

    format: Format
    path: str | None = None
    languages: list[str] | None = None
    columns: Columns | None = None
    lang_column: ColumnRef | None = None
    header: bool | None = None
    names: list[str] | None = None
    limit: PositiveInt | None = None

    @model_validator(mode="after")
    def _check(self) -> DataSpec:
        table_options = {"columns": self.columns, "lang_column": self.lang_column, "header": self.header,
                         "names": self.names}
        given = [name for name, value in table_options.items() if value is not None]
        if self.languages is not None:
            if not self.languages:
                raise ValueError("languages is empty; omit it to take every language")
            if len(set(self.languages)) != len(self.languages):
                raise ValueError(f"languages has duplicates: {self.languages}")
        if self.is_builtin:
            if self.path is not None or given:
                raise ValueError(f"{self.format} takes no path or {given or 'column options'}")
            unknown = sorted(set(self.languages or ()) - set(builtin_languages(self.builtin_name)))
            if unknown:
                raise ValueError(f"{self.format} has no language {unknown}; it has "
                                 f"{list(builtin_languages(self.builtin_name))}")
        elif self.format in PRESETS:
            if given:
                raise ValueError(f"the {self.format} preset fixes the file layout; drop {given}")
            if self.path is None and PRESETS[self.format].default_path is None:
                raise ValueError(f"{self.format} needs a path, e.g. "
                                 f"'{self.format}:$XLT_DATA/sib200/{{lang}}/test.tsv'")
        elif self.path is None:
            raise ValueError(f"format {self.format} needs a path")
        if self.lang_column is not None and self.columns is not None and self.columns.lang is not None:
            raise ValueError("give the language column once: lang_column or columns.lang")
        return self

    @property
    def is_builtin(self) -> bool:
        """Whether this is a ``builtin:`` data set."""
        return self.format.startswith(BUILTIN_PREFIX)

    @property
    def builtin_name(self) -> str:
        """The name after ``builtin:`` (e.g. ``emoji-groups``)."""
        return self.format.removeprefix(BUILTIN_PREFIX)

    @classmethod
    def parse(cls, spec: str | Path | Mapping[str, Any] | DataSpec, **overrides: Any) -> DataSpec:
        """Build a spec from any of the forms in the class docstring; ``overrides`` set fields.

        >>> DataSpec.parse("data/de.csv", languages=["de"]).format
        'csv'
        >>> DataSpec.parse("xnli").path is None
        True
        """
        if isinstance(spec, DataSpec):
            fields = spec.model_dump(exclude_unset=True)
        elif isinstance(spec, Mapping):
            fields = dict(spec)
        else:
            fields = _parse_string(str(spec))
        fields.update(overrides)
        try:
            return cls.model_validate(fields)
        except ValidationError as e:
            problems = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'spec'}: {err['msg']}"
                                 for err in e.errors())
            raise ConfigError(f"bad data spec {str(spec)!r}: {problems}") from None

    def load(self) -> datasets.Dataset:
        """Read the data set into the corpus schema, all languages concatenated.

        >>> DataSpec.parse("builtin:emoji-groups", languages=["en", "de"], limit=1).load()["lang"][:]
        ['en', 'de']
        """
        if self.is_builtin:
            return load_builtin(self.builtin_name, languages=self.languages, limit=self.limit)
        preset = PRESETS.get(self.format)
        if preset is not None:
            options: dict[str, Any] = {"format": preset.format, "header": preset.header,
                                       "names": preset.names, "columns": preset.columns}
            template = expand_env(self.path or preset.default_path or "")
        else:
            options = {"format": self.format, "header": True if self.header is None else self.header,
                       "names": self.names, "columns": self.columns or Columns()}
            template = expand_env(self.path or "")
        lang_column = self.lang_column if self.lang_column is not None else options["columns"].lang
        if LANG_PLACEHOLDER in template:
            if lang_column is not None:
                raise ConfigError(f"{template}: give the language by {LANG_PLACEHOLDER} in the path or by a "
                                  "language column, not both")
            parts = [read_table(path, lang=lang, limit=self.limit, **options)
                     for lang, path in language_files(template, self.languages).items()]
            return parts[0] if len(parts) == 1 else datasets.concatenate_datasets(parts)
        if lang_column is not None:
            options["columns"] = options["columns"].model_copy(update={"lang": lang_column})
            return read_table(template, languages=self.languages, limit=self.limit, **options)
        if self.languages is not None and len(self.languages) == 1:
            return read_table(template, lang=self.languages[0], limit=self.limit, **options)
        raise ConfigError(f"{template}: say which language the file is in: a {LANG_PLACEHOLDER} placeholder "
                          "in the path, a language column (lang_column), or exactly one entry in languages")


def _parse_string(text: str) -> dict[str, Any]:
    """The fields of a compact string spec (see :class:`DataSpec`)."""
    head, sep, rest = text.partition(":")
    if sep and text in FORMATS:
        return {"format": text}
    if sep and head == BUILTIN_PREFIX.rstrip(":"):
        raise ConfigError(f"unknown built-in data set {text!r}; use one of "
                          f"{[f for f in FORMATS if f.startswith(BUILTIN_PREFIX)]}")
    if sep and head in (*TABLE_FORMATS, *PRESETS):
        return {"format": head, **({"path": rest} if rest else {})}
    if text in PRESETS:
        return {"format": text}
    suffix = Path(text).suffix.lower()
    if suffix in _YAML_SUFFIXES:
        return _read_yaml(Path(text))
    if suffix in _SUFFIX_FORMATS:
        return {"format": _SUFFIX_FORMATS[suffix], "path": text}
    raise ConfigError(
        f"cannot read the data spec {text!r}; use FORMAT:PATH (FORMAT one of {[*TABLE_FORMATS, *PRESETS]}), "
        f"a .jsonl/.csv/.tsv path, a .yaml spec file, {sorted(PRESETS)[:2]} alone, or "
        f"{[f for f in FORMATS if f.startswith(BUILTIN_PREFIX)]}")


def _read_yaml(path: Path) -> dict[str, Any]:
    """The fields of a YAML spec file; a relative ``path`` in it is made relative to the file."""
    try:
        fields = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: data spec file not found") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ConfigError(f"{path}: cannot read the data spec: {e}") from None
    if not isinstance(fields, dict):
        raise ConfigError(f"{path}: a data spec file holds a mapping (format: ..., path: ...)")
    data_path = fields.get("path")
    relative = isinstance(data_path, str) and not data_path.startswith(("$", "~"))
    if relative and not Path(data_path).is_absolute():
        fields["path"] = str(path.parent / data_path)
    return fields
