"""What a sentence-transformers folder says about its inputs and pooling, read without sentence-transformers.

A model saved by sentence-transformers carries ``config_sentence_transformers.json`` (``prompts`` and
``default_prompt_name``: the text put before every input) and ``modules.json``, whose Pooling module's
``config.json`` names the pooling (``pooling_mode: "cls"``, or the older ``pooling_mode_cls_token: true``).
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
"""

from __future__ import annotations

import functools
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ST_CONFIG_FILE = "config_sentence_transformers.json"
ST_MODULES_FILE = "modules.json"

#: sentence-transformers pooling modes xlt pools the same way (``xlt.model.pooling.POOLINGS``)
ST_POOLINGS = {"mean": "mean", "cls": "cls", "lasttoken": "last"}
#: the older one-flag-per-mode Pooling config (sentence-transformers < 6)
LEGACY_POOLING_KEYS = {
    "pooling_mode_cls_token": "cls", "pooling_mode_max_tokens": "max", "pooling_mode_mean_tokens": "mean",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens": "weightedmean", "pooling_mode_lasttoken": "lasttoken",
}


def read_model_file(name: str, filename: str, revision: str | None = None) -> tuple[Any, str | None]:
    """``(parsed JSON or None, why not)`` of ``filename`` in a local folder or hub repo ``name``.

    A hub id is read with ``huggingface_hub.hf_hub_download`` (its cache first, and never the network with
    ``HF_HUB_OFFLINE=1``); a missing file or an unreachable hub is ``None`` with the reason, never an error.
    """
    local = Path(name)
    if local.is_dir():
        path = local / filename
        return _read_json(path) if path.is_file() else (None, None)
    return _hub_file(name, filename, revision)


@functools.cache  # a hub file is asked for once per process (the spec resolves prefix and pooling often)
def _hub_file(name: str, filename: str, revision: str | None) -> tuple[Any, str | None]:
    try:
        from huggingface_hub import hf_hub_download

        path = Path(hf_hub_download(name, filename, revision=revision))
    except Exception as err:  # noqa: BLE001 - no such file, offline, no such repo: all mean "not known here"
        if "EntryNotFound" in type(err).__name__:
            return None, None
        offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
        return None, f"{filename} of {name!r} not readable ({'offline' if offline else type(err).__name__})"
    return _read_json(path)


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


def st_pooling(name: str, revision: str | None = None) -> tuple[str, str] | None:
    """``(xlt pooling, source)`` from ``modules.json`` and its Pooling module's ``config.json``.

    A mode xlt cannot reproduce (max, weightedmean, several at once) raises nothing here: it is ``None``
    with a warning, so the caller falls back to its default and says so.
    """
    modules, _ = read_model_file(name, ST_MODULES_FILE, revision)
    if not isinstance(modules, list):
        return None
    pooling = [m for m in modules if str(m.get("type", "")).endswith("Pooling")]
    if not pooling:
        return None
    folder = str(pooling[0].get("path") or "").strip("/")
    filename = f"{folder}/config.json" if folder else "config.json"
    config, _ = read_model_file(name, filename, revision)
    if not isinstance(config, dict):
        return None
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
    after = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules[modules.index(pooling[0]) + 1:]]
    note = f" ({', '.join(after)} after it not applied by xlt)" if after else ""
    if config.get("include_prompt") is False:
        note += " (include_prompt false: xlt pools the prompt tokens too)"
    source = f"sentence-transformers {filename} {key}" + (f" {modes[0]!r}" if key == "pooling_mode" else "")
    return ST_POOLINGS[modes[0]], source + note
