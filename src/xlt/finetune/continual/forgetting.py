"""Forgetting and gain: score differences per language before and after further training.

``forgetting[lang] = before[lang] - after[lang]`` on each earlier language (positive: it got worse);
``gain[lang] = after[lang] - before[lang]`` on each new language. Rounded to 12 decimals, so that
hand-made cases compare exactly.

>>> gain({"ja": 0.4}, {"ja": 0.7}, ["ja"])
{'ja': 0.3}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xlt.errors import ConfigError


def _diff(first: Mapping[str, float], second: Mapping[str, float], languages: Sequence[str], what: str
          ) -> dict[str, float]:
    missing = [lang for lang in languages if lang not in first or lang not in second]
    if missing:
        raise ConfigError(f"{what}: no score before and after for {missing}")
    return {lang: round(first[lang] - second[lang], 12) for lang in languages}


def forgetting(before: Mapping[str, float], after: Mapping[str, float], old_languages: Sequence[str]
               ) -> dict[str, float]:
    """Score lost on each earlier language (``before - after``)."""
    return _diff(before, after, old_languages, "forgetting")


def gain(before: Mapping[str, float], after: Mapping[str, float], new_languages: Sequence[str]) -> dict[str, float]:
    """Score won on each new language (``after - before``)."""
    return _diff(after, before, new_languages, "gain")
