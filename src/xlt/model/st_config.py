"""What a sentence-transformers folder says about its inputs and pooling, read without sentence-transformers.

A model saved by sentence-transformers carries ``config_sentence_transformers.json`` (``prompts`` and
``default_prompt_name``: the text put before every input) and ``modules.json``, whose Pooling module's
``config.json`` names the pooling (``pooling_mode: "cls"``, or the older ``pooling_mode_cls_token: true``) and
whether the prompt's tokens are pooled (``include_prompt``). The modules after Pooling (Dense, Normalize) make
the sentence vector; ``sentence_bert_config.json`` caps the input length (``max_seq_length``).
Each finding comes with where it was read, for ``ModelSpec.resolution()`` and the run's report.

>>> import json, tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "config_sentence_transformers.json").write_text(json.dumps(
...     {"prompts": {"query": "query: ", "document": ""}, "default_prompt_name": "query"}))
>>> _ = (folder / "modules.json").write_text(json.dumps([{"idx": 0, "path": "", "type": "x.Transformer"},
...     {"idx": 1, "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]))
>>> (folder / "1_Pooling").mkdir()
>>> _ = (folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
>>> st_prefix(str(folder))
('query: ', "sentence-transformers config_sentence_transformers.json prompt 'query'")
>>> st_pooling(str(folder))
('cls', 'sentence-transformers 1_Pooling/config.json pooling_mode_cls_token')
>>> _ = (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 256}))
>>> st_max_length(str(folder))
(256, 'sentence-transformers sentence_bert_config.json max_seq_length')
"""

from __future__ import annotations

import functools
import json
import logging
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

log = logging.getLogger(__name__)

ST_CONFIG_FILE = "config_sentence_transformers.json"
ST_MODULES_FILE = "modules.json"
ST_BERT_CONFIG_FILE = "sentence_bert_config.json"
TOKENIZER_CONFIG_FILE = "tokenizer_config.json"
MAX_STATED_LENGTH = 1_000_000  # above it a tokenizer's model_max_length is transformers' "unset" (~1e30)
#: the modules after Pooling that xlt applies to sentence vectors (``xlt.model.st_modules``)
ST_AFTER_POOLING = ("Dense", "Normalize")
#: where the sentence-transformers modules apply in xlt, for every source that names them
WHERE_APPLIED = "in sentence vectors; a classifier pools before them"

#: sentence-transformers pooling modes xlt pools the same way (``xlt.model.pooling.POOLINGS``)
ST_POOLINGS = {"mean": "mean", "cls": "cls", "lasttoken": "last"}
#: the older one-flag-per-mode Pooling config (sentence-transformers < 6)
LEGACY_POOLING_KEYS = {
    "pooling_mode_cls_token": "cls", "pooling_mode_max_tokens": "max", "pooling_mode_mean_tokens": "mean",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens": "weightedmean", "pooling_mode_lasttoken": "lasttoken",
}


class StModule(BaseModel):
    """One entry of ``modules.json``: the module's class and its folder in the model."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    type: str
    path: str = ""

    @property
    def kind(self) -> str:
        """The class name: ``Pooling``, ``Dense``, ``Normalize``, ..."""
        return self.type.rsplit(".", 1)[-1]

    @property
    def folder(self) -> str:
        return self.path.strip("/")

    def file(self, name: str) -> str:
        """``name`` inside the module's folder, as a path relative to the model."""
        return f"{self.folder}/{name}" if self.folder else name


def read_model_file(name: str, filename: str, revision: str | None = None) -> tuple[Any, str | None]:
    """``(parsed JSON or None, why not)`` of ``filename`` in a local folder or hub repo ``name``.

    A hub id is read with ``huggingface_hub.hf_hub_download`` (its cache first, and never the network with
    ``HF_HUB_OFFLINE=1``); a missing file or an unreachable hub is ``None`` with the reason, never an error.
    """
    path, why = model_file(name, filename, revision)
    return _read_json(path) if path is not None else (None, why)


def model_file(name: str, filename: str, revision: str | None = None) -> tuple[Path | None, str | None]:
    """``(local path or None, why not)`` of ``filename`` in a local folder or hub repo ``name``."""
    local = Path(name)
    if local.is_dir():
        path = local / filename
        return (path, None) if path.is_file() else (None, None)
    return _hub_path(name, filename, revision)


@functools.cache  # a hub file is asked for once per process (the spec resolves prefix and pooling often)
def _hub_path(name: str, filename: str, revision: str | None) -> tuple[Path | None, str | None]:
    try:
        from huggingface_hub import hf_hub_download

        return Path(hf_hub_download(name, filename, revision=revision)), None
    except Exception as err:  # noqa: BLE001 - no such file, offline, no such repo: all mean "not known here"
        if "EntryNotFound" in type(err).__name__:
            return None, None
        offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
        return None, f"{filename} of {name!r} not readable ({'offline' if offline else type(err).__name__})"


def _read_json(path: Path) -> tuple[Any, str | None]:
    try:
        return json.loads(path.read_text("utf-8")), None
    except (OSError, ValueError) as err:
        return None, f"{path.name} unreadable: {err}"


def st_prefix(name: str, revision: str | None = None) -> tuple[str, str] | None:
    """``(prefix, source)`` from ``config_sentence_transformers.json``; ``None`` where it names no default prompt.

    A config with prompts but no ``default_prompt_name`` is ``("", source)``: sentence-transformers itself
    puts nothing before an input then, and the source lists the prompts one could pick.
    """
    config, _ = read_model_file(name, ST_CONFIG_FILE, revision)
    if not isinstance(config, dict):
        return None
    prompts = config.get("prompts") or {}
    default = config.get("default_prompt_name")
    if default and default in prompts:
        return prompts[default], f"sentence-transformers {ST_CONFIG_FILE} prompt {default!r}"
    if any(prompts.values()):
        return "", (f"sentence-transformers {ST_CONFIG_FILE}: no default_prompt_name, so no prompt "
                    f"(prompts it has: {', '.join(sorted(prompts))})")
    return None


def st_modules(name: str, revision: str | None = None) -> list[StModule] | None:
    """The modules of ``modules.json`` in order; ``None`` where there is no readable one."""
    modules, _ = read_model_file(name, ST_MODULES_FILE, revision)
    if not isinstance(modules, list):
        return None
    return [StModule.model_validate(m) for m in modules if isinstance(m, dict) and m.get("type")]


def _pooling_config(name: str, revision: str | None) -> tuple[list[StModule], int, str, dict] | None:
    """``(modules, index of Pooling, its config file, its config)``; ``None`` where any is missing."""
    modules = st_modules(name, revision)
    index = next((i for i, m in enumerate(modules or []) if m.kind == "Pooling"), None)
    if modules is None or index is None:
        return None
    filename = modules[index].file("config.json")
    config, _ = read_model_file(name, filename, revision)
    return (modules, index, filename, config) if isinstance(config, dict) else None


def st_pooling(name: str, revision: str | None = None) -> tuple[str, str] | None:
    """``(xlt pooling, source)`` from ``modules.json`` and its Pooling module's ``config.json``.

    A mode xlt cannot reproduce (max, weightedmean, several at once) raises nothing here: it is ``None``
    with a warning, so the caller falls back to its default and says so.
    """
    found = _pooling_config(name, revision)
    if found is None:
        return None
    _, _, filename, config = found
    if "pooling_mode" in config:
        modes = config["pooling_mode"]
        modes = [modes] if isinstance(modes, str) else list(modes)
        key = "pooling_mode"
    else:
        flags = [k for k in LEGACY_POOLING_KEYS if config.get(k)]
        modes = [LEGACY_POOLING_KEYS[k] for k in flags]
        key = "+".join(flags)
    if len(modes) != 1 or modes[0] not in ST_POOLINGS:
        log.warning("%s: sentence-transformers pooling %s is not one xlt has (mean, cls, lasttoken); "
                    "set model.pooling", name, modes)
        return None
    source = f"sentence-transformers {filename} {key}" + (f" {modes[0]!r}" if key == "pooling_mode" else "")
    return ST_POOLINGS[modes[0]], source


def st_include_prompt(name: str, revision: str | None = None) -> tuple[bool, str] | None:
    """``(include_prompt, source)`` from the Pooling module's config; ``None`` where it does not say.

    ``False``: sentence-transformers leaves the prompt's tokens out of the pooling. xlt does so for mean
    pooling; last-token pooling never reads them; for cls pooling the source and a warning say that xlt
    still takes the first token.
    """
    found = _pooling_config(name, revision)
    if found is None or not isinstance(found[3].get("include_prompt"), bool):
        return None
    include = found[3]["include_prompt"]
    where = "" if include else (" (xlt leaves the prompt's tokens out of mean-pooled sentence vectors; "
                                "a classifier pools them)")
    mode = found[3].get("pooling_mode")
    modes = [mode] if isinstance(mode, str) else list(mode or [])
    if not include and ("cls" in modes or found[3].get("pooling_mode_cls_token")):
        # sentence-transformers >= 6 takes the first token after the prompt then, older versions the first
        log.warning("%s: cls pooling with include_prompt false: xlt takes the first token, which "
                    "sentence-transformers >= 6 leaves out with the prompt", name)
        where += "; cls pooling: xlt takes the first token, sentence-transformers >= 6 the first after the prompt"
    return include, f"sentence-transformers {found[2]} include_prompt {str(include).lower()}{where}"


def st_after_pooling(name: str, revision: str | None = None) -> tuple[tuple[StModule, ...], str] | None:
    """``(the modules after Pooling xlt applies, source)``; ``None`` where there are none after it.

    A module xlt does not know is left out with a warning, and the source says so: sentence vectors of such a
    model differ from sentence-transformers' own.
    """
    found = _pooling_config(name, revision)
    after = found[0][found[1] + 1:] if found else []
    if not after:
        return None
    known = tuple(m for m in after if m.kind in ST_AFTER_POOLING)
    unknown = [m for m in after if m.kind not in ST_AFTER_POOLING]
    source = f"sentence-transformers {ST_MODULES_FILE}: " + (
        f"{', '.join(_named(m) for m in known)} after Pooling, {WHERE_APPLIED}" if known else "none applied")
    if unknown:
        log.warning("%s: sentence-transformers modules %s after Pooling are not ones xlt applies (%s): "
                    "its sentence vectors differ from sentence-transformers'", name,
                    ", ".join(_named(m) for m in unknown), ", ".join(ST_AFTER_POOLING))
        source += f"; {', '.join(_named(m) for m in unknown)} unknown to xlt, not applied"
    return known, source


def _named(module: StModule) -> str:
    return f"{module.kind} ({module.folder})" if module.folder else module.kind


def st_max_length(name: str, revision: str | None = None) -> tuple[int, str] | None:
    """``(max length, source)``: ``sentence_bert_config.json``'s ``max_seq_length`` (sentence-transformers < 6
    and the hub's models write it there), else, for a sentence-transformers folder, its tokenizer's
    ``model_max_length`` (where sentence-transformers >= 6 keeps it); ``None`` where neither names one.
    """
    config, _ = read_model_file(name, ST_BERT_CONFIG_FILE, revision)
    if not isinstance(config, dict):
        return None
    if _is_length(length := config.get("max_seq_length")):
        return length, f"sentence-transformers {ST_BERT_CONFIG_FILE} max_seq_length"
    transformer = next((m for m in st_modules(name, revision) or [] if m.kind == "Transformer"), None)
    if transformer is None:
        return None
    filename = transformer.file(TOKENIZER_CONFIG_FILE)
    tokenizer, _ = read_model_file(name, filename, revision)
    if isinstance(tokenizer, dict) and _is_length(length := tokenizer.get("model_max_length")):
        return length, f"sentence-transformers {filename} model_max_length"
    return None


def _is_length(value: Any) -> bool:
    """A length a model can take: transformers writes ~1e30 for "no limit", which is none."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_STATED_LENGTH
