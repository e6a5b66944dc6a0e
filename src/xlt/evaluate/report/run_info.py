"""Turn the free-form ``run_info`` dict into labelled summary lines; missing keys show as a dash.

>>> info = {"task": "topic", "trainable_params": 1_200_000, "total_params": 120_000_000}
>>> dict(summary_items(info))["Parameters"]
'1.2M trainable of 120.0M (1.00%)'
>>> zero_shot_warning({"zero_shot": False, "zero_shot_note": "dev set was German"})
'NOT zero-shot: dev set was German'
>>> dict(summary_items({"averaged_checkpoints": 2, "weights_note": "the mean of the last 2 epoch ends"}))["Weights"]
'the mean of the last 2 epoch ends'
"""

from __future__ import annotations

from typing import Any

MISSING = "—"
KNOWN = ("name", "task", "model", "prefix", "prefix_source", "pooling", "pooling_source", "max_length",
         "max_length_source", "strategy", "trainable_params", "total_params", "zero_shot", "zero_shot_note",
         "train_seconds", "data", "created", "weights_note", "averaged_checkpoints", "averaged_epochs",
         "average_select", "averaged_dev_score", "averaged_used")
_MAX_CHARS = 400


def title(run_info: dict[str, Any]) -> str:
    """Report title: the run's name when given."""
    name = run_info.get("name")
    return f"xlt report: {name}" if name else "xlt report"


def zero_shot_warning(run_info: dict[str, Any]) -> str | None:
    """The prominent warning when the run is not zero-shot, else ``None``."""
    if run_info.get("zero_shot") is not False:
        return None
    note = run_info.get("zero_shot_note") or (
        "target-language data was used for training or model selection, "
        "so target-language scores overstate zero-shot transfer")
    return f"NOT zero-shot: {note}"


def summary_items(run_info: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) pairs describing the run, known keys first, then any extra keys."""
    items = [
        ("Task", _text(run_info.get("task"))),
        ("Model", _text(run_info.get("model"))),
        ("Input prefix", _prefix(run_info)),
        *([("Pooling", _sourced(run_info["pooling"], run_info.get("pooling_source")))]
          if "pooling" in run_info else []),
        *([("Max length", _sourced(f"{run_info['max_length']} tokens", run_info.get("max_length_source")))]
          if "max_length" in run_info else []),
        ("Strategy", _text(run_info.get("strategy"))),
        ("Parameters", _params(run_info.get("trainable_params"), run_info.get("total_params"))),
        ("Zero-shot", _zero_shot(run_info)),
        *([("Weights", _text(run_info.get("weights_note")))] if "averaged_checkpoints" in run_info else []),
        ("Training time", _duration(run_info.get("train_seconds"))),
        ("Data", _text(run_info.get("data"))),
        ("Created", _text(run_info.get("created"))),
    ]
    extra = {key: value for key, value in run_info.items() if key not in KNOWN}
    items += [(key.replace("_", " ").capitalize(), _text(value)) for key, value in extra.items()]
    return items


def _text(value: Any, nested: bool = False) -> str:
    if value is None or value == "" or value == {} or value == []:
        return MISSING
    if isinstance(value, dict):
        text = ("; ", ", ")[nested].join(f"{k}: {_text(v, True)}" for k, v in value.items())
        text = f"{{{text}}}" if nested else text
    elif isinstance(value, (list, tuple)):
        shown = ", ".join(_text(v, True) for v in value[:20])
        text = shown + (f", … ({len(value)} in all)" if len(value) > 20 else "")
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
    return text if len(text) <= _MAX_CHARS else text[: _MAX_CHARS - 1] + "…"


def _prefix(run_info: dict[str, Any]) -> str:
    if "prefix" not in run_info or run_info["prefix"] is None:
        return MISSING
    return _sourced(repr(run_info["prefix"]) if run_info["prefix"] else "(none)", run_info.get("prefix_source"))


def _sourced(value: str, source: str | None) -> str:
    """``value`` and where it came from; a default says it is xlt's, not something the model's files state.

    >>> _sourced("mean", "default: none found")
    "mean (xlt's default: the model's files name none; default: none found)"
    """
    if not source:
        return value
    if source.startswith("default"):
        return f"{value} (xlt's default: the model's files name none; {source})"
    return f"{value} (from {source})"


def _count(n: float) -> str:
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= size:
            return f"{n / size:.1f}{unit}"
    return str(int(n))


def _params(trainable: Any, total: Any) -> str:
    if not isinstance(trainable, (int, float)):
        return f"{_count(total)} total" if isinstance(total, (int, float)) else MISSING
    if not isinstance(total, (int, float)) or total <= 0:
        return f"{_count(trainable)} trainable"
    return f"{_count(trainable)} trainable of {_count(total)} ({100 * trainable / total:.2f}%)"


def _zero_shot(run_info: dict[str, Any]) -> str:
    flag, note = run_info.get("zero_shot"), run_info.get("zero_shot_note")
    text = "yes" if flag is True else "NO" if flag is False else "unknown"
    return f"{text} ({note})" if note else text


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)):
        return MISSING
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{seconds:.1f} s"
