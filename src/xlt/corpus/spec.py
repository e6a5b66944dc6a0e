"""``DataSpec``: where one data set comes from and how to read it (a config value or a CLI string).

>>> DataSpec.parse("tsv:$XLT_DATA/sib200/{lang}/test.tsv", languages=["deu_Latn"]).format
'tsv'
>>> DataSpec.parse("builtin:emoji-groups", languages=["en"], limit=3).load().num_rows
3
>>> DataSpec.parse("conllu:$XLT_DATA/ud_pud/{lang}_pud-ud-test.conllu", languages=["de"]).layout
'tagging'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import datasets
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from xlt.config_file import describe_validation_error, field_error, read_yaml
from xlt.corpus.paths import LANG_PLACEHOLDER, expand_env, language_files
from xlt.corpus.readers import BUILTINS, READERS, FileReader
from xlt.corpus.readers.builtin import builtin_languages, load_builtin
from xlt.corpus.readers.conllu import TagColumn
from xlt.corpus.readers.presets import PRESETS
from xlt.corpus.readers.records import RECORD_FORMATS, describe, read_disk, read_hf, read_memory, read_parquet
from xlt.corpus.readers.squad import DuplicateIds
from xlt.corpus.readers.table import TABLE_FORMATS, ColumnRef, Columns, read_table
from xlt.corpus.schema import DEFAULT_LAYOUT, LANG, LAYOUTS
from xlt.errors import ConfigError

BUILTIN_PREFIX = "builtin:"


def known_formats() -> tuple[str, ...]:
    """Every data format a spec can name: tables, presets, built-in sets and the registered file readers."""
    return (*TABLE_FORMATS, *RECORD_FORMATS, *PRESETS, *(BUILTIN_PREFIX + name for name in BUILTINS), *READERS)


def suffix_formats() -> dict[str, str]:
    """File suffix -> the format a path with that suffix is read in."""
    return {**{f".{f}": f for f in TABLE_FORMATS}, ".parquet": "parquet",
            **{suffix: name for name, reader in READERS.items() for suffix in reader.suffixes}}

#: The fields that are options of one of the file readers (see :data:`~xlt.corpus.readers.READERS`).
READER_OPTIONS: tuple[str, ...] = ("tag_column", "repair", "repair_offsets", "allow_unanswered", "duplicate_ids")
_YAML_SUFFIXES = (".yaml", ".yml")


class DataSpec(BaseModel):
    """One data set: a format, a path and which languages/columns/rows to take.

    Forms accepted by :meth:`DataSpec.parse` (and by configs, where a string or a mapping may be given):

    - ``"FORMAT:PATH"`` with FORMAT one of jsonl, csv, tsv, xnli, pawsx, sib200 (classification), conllu,
      iob2, conll2002, token-tsv (tagging) or squad (QA), e.g. ``"tsv:$XLT_DATA/sib200/{lang}/test.tsv"``,
      ``"sib200:$XLT_DATA/sib200/{lang}/test.tsv"`` or ``"squad:$XLT_DATA/xquad/xquad.{lang}.json"``.
    - ``"xnli"`` or ``"pawsx"``: the preset at its usual place, ``$XLT_DATA/xnli/dev-{lang}.tsv``.
    - ``"data/en.jsonl"``: a path whose suffix (.jsonl, .csv, .tsv, .conllu, .iob2) gives the format.
    - ``"builtin:emoji-groups"``: a built-in data set (``languages`` filters it; default all).
    - ``"spec.yaml"``: a YAML mapping of the fields below; a relative ``path`` in it is relative to the YAML.
    - a mapping of the fields, e.g. ``{"format": "jsonl", "path": "x.jsonl", "languages": ["en"]}``; without
      ``format``, the ``path`` suffix gives it as for a plain path (``{"path": "x.tsv", "columns": ...}``).

    - ``"parquet:PATH"`` (or a ``.parquet`` path), ``"disk:FOLDER[@split]"`` (``arrow:`` is the same: a
      ``save_to_disk`` folder), ``"hf:owner/name[:config]@split"`` (``datasets.load_dataset``; a local
      folder of data files too: ``hf:/data/mine@train``): rows with ``columns``/``lang_column``, of the
      ``layout`` given (``classification``, default, ``tagging`` or ``qa``), e.g. ``{"format": "hf", "path":
      "conll2003@validation", "layout": "tagging", "columns": {"tags": "ner_tags"}, "languages": ["en"]}``
      (``ClassLabel`` tags become their names).
    - in Python only: ``DataSpec(format="memory", data=frame_or_dataset, ...)`` (or the object itself where a
      :class:`~xlt.corpus.config.DataConfig` takes a spec); ``data`` is left out of dumps, where ``path``
      holds a placeholder such as ``<in-memory DataFrame: 100 rows>``.

    Fields: ``format``; ``path`` (``$XLT_DATA``, ``${XLT_DATA}`` and ``~`` are expanded when loading;
    ``{lang}`` is filled from ``languages``, or from every existing file when ``languages`` is omitted);
    ``languages``; ``layout`` (row formats: the layout of the rows; other formats fix it); ``columns`` (see
    :class:`~xlt.corpus.readers.table.Columns`: the fields of the layout); ``lang_column`` (a
    language column instead of one file per language); ``header`` and ``names`` (CSV/TSV without a
    header: columns as 0-based indices or as ``names``); ``limit`` (first rows per language: sentences for
    tagging, questions for QA). Without ``{lang}`` or a language column, ``languages`` must name the
    file's one language.

    ``name``: the value the ``lang`` column gets instead of the language, so that two data sets of one
    language can be told apart in a list of test specs and reported separately, e.g. ``languages: [zh]``
    with ``name: zh-gsd`` (and ``zh_pud`` left as ``zh``). ``{lang}`` in it is the language, so
    ``name: "{lang}-pud"`` names every language of a ``{lang}`` path; without ``{lang}`` it needs data of
    one language. ``source_languages``/``target_languages`` of a :class:`~xlt.corpus.config.DataConfig`
    then use the name.

    Reader options: ``tag_column`` (conllu: ``upos``, default, or ``xpos``), ``repair`` (iob2,
    conll2002: read an ``I-X`` that breaks IOB2 as ``B-X``, else it is an error), ``repair_offsets``
    (squad: move a wrong ``answer_start`` to the nearest occurrence of the answer), ``allow_unanswered``
    (squad: keep questions without answers) and ``duplicate_ids`` (squad: ``error`` or ``suffix``).

    >>> spec = DataSpec(format="jsonl", path="train.jsonl", languages=["en"], columns={"text": "sentence"})
    >>> spec.columns.text
    'sentence'
    """

    model_config = ConfigDict(extra="forbid")

    format: str
    path: str | None = None
    layout: str | None = None  # row formats: the rows' layout (default classification); other formats fix it
    languages: list[str] | None = None
    columns: Columns | None = None
    lang_column: ColumnRef | None = None
    header: bool | None = None
    names: list[str] | None = None
    limit: PositiveInt | None = None
    name: str | None = None
    tag_column: TagColumn | None = None
    repair: bool | None = None
    repair_offsets: bool | None = None
    allow_unanswered: bool | None = None
    duplicate_ids: DuplicateIds | None = None
    data: Any = Field(default=None, exclude=True)  # format memory: a Dataset or DataFrame (not in dumps)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in known_formats():
            raise ValueError(f"unknown format {value!r}; known: {', '.join(known_formats())}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _format_from_suffix(cls, data: Any) -> Any:
        """A mapping without ``format`` takes it from the path's suffix, as a plain path does."""
        if isinstance(data, Mapping) and "format" not in data and data.get("data") is not None:
            return {**data, "format": "memory"}
        if not isinstance(data, Mapping) or "format" in data or not isinstance(data.get("path"), str):
            return data
        suffix = Path(data["path"]).suffix.lower()
        if suffix in suffix_formats():
            return {**data, "format": suffix_formats()[suffix]}
        raise field_error(cls.__name__, ("format",), (
            f"missing, and the path's suffix {suffix or '(none)'!r} does not give it (only "
            f"{'/'.join(suffix_formats())} do); give format: one of {', '.join(known_formats())}"), data)

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
        if self.name is not None:
            if not self.name.strip() or self.name != self.name.strip():
                raise ValueError(f"name must be a non-empty value without surrounding spaces, got {self.name!r}")
            if LANG_PLACEHOLDER not in self.name and self.languages is not None and len(self.languages) > 1:
                raise ValueError(f"name {self.name!r} would give {len(self.languages)} languages one name; put "
                                 f"{LANG_PLACEHOLDER} in it (e.g. '{LANG_PLACEHOLDER}-pud') or give one language")
        if (self.data is not None) != (self.format == "memory"):
            raise ValueError("data (an in-memory Dataset or DataFrame given in Python) goes with format memory"
                             if self.data is not None else
                             f"a memory spec ({self.path or 'no data'}) needs its data object, given in Python; "
                             "a config file cannot hold one, so name a file instead (e.g. parquet:PATH)")
        if self.format == "memory" and self.path is None:
            self.path = describe(self.data)
        reader = READERS.get(self.format)
        implied = self._implied_layout()
        if self.layout is None:
            self.layout = implied
        elif self.layout not in LAYOUTS:
            raise ValueError(f"unknown layout {self.layout!r}; use one of {list(LAYOUTS)}")
        elif self.layout != implied and self.format not in RECORD_FORMATS:
            raise ValueError(f"format {self.format} gives {implied} data, not {self.layout}; only the row formats "
                             f"({', '.join(RECORD_FORMATS)}) read other layouts")
        for option in READER_OPTIONS:
            if getattr(self, option) is not None and (reader is None or option not in reader.options):
                takes = [f for f, r in READERS.items() if option in r.options]
                raise ValueError(f"{option} is an option of the {'/'.join(takes)} format, not of {self.format}")
        if reader is not None:
            if given:
                raise ValueError(f"{given} are options of table formats (jsonl, csv, tsv), not of {self.format}")
            if self.path is None:
                raise ValueError(f"format {self.format} needs a path, e.g. '{self.format}:data/{{lang}}.x'")
        elif self.is_builtin:
            if self.path is not None or given:
                raise ValueError(f"{self.format} takes no path or {given or 'column options'}")
            unknown = sorted(set(self.languages or ()) - set(builtin_languages(self.builtin_name)))
            if unknown:
                raise ValueError(f"{self.format} has no language {unknown}; it has "
                                 f"{list(builtin_languages(self.builtin_name))}")
        elif self.format in RECORD_FORMATS:
            if self.header is not None or self.names is not None:
                raise ValueError(f"header and names are options of csv/tsv, not of {self.format}")
            if self.path is None:
                raise ValueError(f"format {self.format} needs a path, e.g. '{self.format}:data/train@train'")
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
        if self.columns is not None:
            self.columns.check_layout(self.layout)
        return self

    @property
    def is_builtin(self) -> bool:
        """Whether this is a ``builtin:`` data set."""
        return self.format.startswith(BUILTIN_PREFIX)

    def _implied_layout(self) -> str:
        """The layout the format gives: its file reader's, else (tables, presets, built-ins, and row formats
        without ``layout``) ``classification``.

        >>> DataSpec.parse("squad:x.json", languages=["en"]).layout, DataSpec.parse("xnli").layout
        ('qa', 'classification')
        """
        reader = READERS.get(self.format)
        return reader.layout if reader is not None else DEFAULT_LAYOUT

    @model_serializer(mode="wrap")
    def _drop_implied_layout(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Dumps name the layout only where the format does not already say it."""
        out = handler(self)
        if isinstance(out, dict) and out.get("layout") == self._implied_layout():
            del out["layout"]
        return out

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
            if spec.data is not None:
                fields["data"] = spec.data
        elif isinstance(spec, Mapping):
            fields = dict(spec)
        else:
            fields = _parse_string(str(spec))
        fields.update(overrides)
        try:
            return cls.model_validate(fields)
        except ValidationError as e:
            problems = describe_validation_error(e, fields).replace("\n", "; ")
            raise ConfigError(f"bad data spec {str(spec)!r}: {problems}") from None

    def load(self) -> datasets.Dataset:
        """Read the data set into the corpus schema of its :attr:`task`, all languages concatenated (the
        ``lang`` column holds :attr:`name` where one is given).

        >>> DataSpec.parse("builtin:emoji-groups", languages=["en", "de"], limit=1).load()["lang"][:]
        ['en', 'de']
        >>> DataSpec.parse("builtin:emoji-groups", languages=["de"], limit=1, name="{lang}-x").load()["lang"][:]
        ['de-x']
        """
        ds = self._load()
        return ds if self.name is None else self._apply_name(ds)

    def _apply_name(self, ds: datasets.Dataset) -> datasets.Dataset:
        """``ds`` with each language in the ``lang`` column replaced by :attr:`name` (``{lang}`` filled)."""
        assert self.name is not None
        langs = ds[LANG][:]
        present = sorted(set(langs))
        if LANG_PLACEHOLDER not in self.name and len(present) > 1:
            raise ConfigError(f"name {self.name!r} would give the languages {present} one name; put "
                              f"{LANG_PLACEHOLDER} in it or take one language")
        renamed = [self.name.replace(LANG_PLACEHOLDER, lang) for lang in langs]
        order = list(ds.column_names)
        feature = ds.features[LANG]
        return ds.remove_columns(LANG).add_column(LANG, renamed, feature=feature).select_columns(order)

    def _load(self) -> datasets.Dataset:
        reader = READERS.get(self.format)
        if reader is not None:
            return self._load_files(reader)
        if self.format in RECORD_FORMATS:
            return self._load_records()
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
        if lang_column is not None:
            options["columns"] = options["columns"].model_copy(update={"lang": lang_column})
        return self._by_language(template, template, lang_column is not None,
                                 lambda where, **lang: read_table(where, limit=self.limit, **options, **lang),
                                 lambda: language_files(template, self.languages))

    def _by_language(self, template: str, whole: Any, has_lang_column: bool,
                     read: Callable[..., datasets.Dataset], per_language: Callable[[], Mapping[str, Any]]
                     ) -> datasets.Dataset:
        """Where the language comes from, for every source: a ``{lang}`` placeholder in ``template`` (one
        read per language of ``per_language()``), a language column (``whole`` read once), or the one entry
        of ``languages``. ``read(where, lang=... | languages=...)`` reads one source."""
        if LANG_PLACEHOLDER in template:
            if has_lang_column:
                raise ConfigError(f"{template}: give the language by {LANG_PLACEHOLDER} in the path or by a "
                                  "language column, not both")
            parts = [read(where, lang=lang) for lang, where in per_language().items()]
            return parts[0] if len(parts) == 1 else datasets.concatenate_datasets(parts)
        if has_lang_column:
            return read(whole, languages=self.languages)
        if self.languages is not None and len(self.languages) == 1:
            return read(whole, lang=self.languages[0])
        raise ConfigError(f"{template or self.path}: say which language the data is in: a {LANG_PLACEHOLDER} "
                          "placeholder in the path, a language column (lang_column), or exactly one entry in "
                          "languages")

    def _load_records(self) -> datasets.Dataset:
        """Read Parquet, a saved or hub data set, or an in-memory object, with the table column mapping, in the
        spec's layout."""
        columns = self.columns or Columns()
        lang_column = self.lang_column if self.lang_column is not None else columns.lang
        if lang_column is None and self.format == "memory" and self.languages is None \
                and LANG in getattr(self.data, "column_names", getattr(self.data, "columns", ())):
            lang_column = LANG  # an in-memory table with a lang column needs no more
        if lang_column is not None:
            columns = columns.model_copy(update={"lang": lang_column})
        read = {"parquet": read_parquet, "disk": read_disk, "arrow": read_disk, "hf": read_hf}.get(self.format)

        options = {"columns": columns, "limit": self.limit, "layout": self.layout or DEFAULT_LAYOUT}

        def one(where: Any, **lang: Any) -> datasets.Dataset:
            return read_memory(self.data, **options, **lang) if read is None else read(where, **options, **lang)

        template = expand_env(self.path or "") if read is not None else ""

        def per_language() -> dict[str, Any]:
            if self.format == "parquet":
                return dict(language_files(template, self.languages))
            if self.languages is None:
                raise ConfigError(f"{template}: a {self.format} path with {LANG_PLACEHOLDER} needs languages")
            return {lang: template.replace(LANG_PLACEHOLDER, lang) for lang in self.languages}

        return self._by_language(template, template if read is not None else self.data, lang_column is not None,
                                 one, per_language)

    def _load_files(self, reader: FileReader) -> datasets.Dataset:
        """Read with a one-language-per-file reader (tagging and QA formats)."""
        options = {name: getattr(self, name) for name in reader.options if getattr(self, name) is not None}
        template = expand_env(self.path or "")
        if LANG_PLACEHOLDER in template:
            parts = [reader.read(path, lang=lang, limit=self.limit, **options)
                     for lang, path in language_files(template, self.languages).items()]
            return parts[0] if len(parts) == 1 else datasets.concatenate_datasets(parts)
        if self.languages is not None and len(self.languages) == 1:
            return reader.read(template, lang=self.languages[0], limit=self.limit, **options)
        raise ConfigError(f"{template}: say which language the file is in: a {LANG_PLACEHOLDER} placeholder "
                          "in the path or exactly one entry in languages")


def _parse_string(text: str) -> dict[str, Any]:
    """The fields of a compact string spec (see :class:`DataSpec`)."""
    head, sep, rest = text.partition(":")
    if sep and text in known_formats():
        return {"format": text}
    if sep and head == BUILTIN_PREFIX.rstrip(":"):
        raise ConfigError(f"unknown built-in data set {text!r}; use one of "
                          f"{[f for f in known_formats() if f.startswith(BUILTIN_PREFIX)]}")
    if sep and head in (*TABLE_FORMATS, *RECORD_FORMATS, *PRESETS, *READERS):
        return {"format": head, **({"path": rest} if rest else {})}
    if text in PRESETS:
        return {"format": text}
    suffix = Path(text).suffix.lower()
    if suffix in _YAML_SUFFIXES:
        return _read_yaml(Path(text))
    if suffix in suffix_formats():
        return {"format": suffix_formats()[suffix], "path": text}
    raise ConfigError(
        f"cannot read the data spec {text!r}; use FORMAT:PATH (FORMAT one of "
        f"{[*TABLE_FORMATS, *RECORD_FORMATS[:-1], *PRESETS, *READERS]}), "
        "a .jsonl/.csv/.tsv/.parquet/.conllu/.iob2 path, a .yaml spec file, "
        f"{sorted(PRESETS)[:2]} alone, or "
        f"{[f for f in known_formats() if f.startswith(BUILTIN_PREFIX)]}")


def _read_yaml(path: Path) -> dict[str, Any]:
    """The fields of a YAML spec file; a relative ``path`` in it is made relative to the file."""
    fields = read_yaml(path, what="data spec file", example="format: ..., path: ...")
    data_path = fields.get("path")
    relative = isinstance(data_path, str) and not data_path.startswith(("$", "~"))
    if relative and not Path(data_path).is_absolute():
        fields["path"] = str(path.parent / data_path)
    return fields
