"""Datasets that ship with xlt's dependencies, named ``builtin:NAME`` in a data spec.

>>> sorted(BUILTINS)
['emoji-groups']
>>> builtin_languages("emoji-groups")[:3]
('en', 'es', 'ja')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import datasets

from xlt.corpus.readers.builtin import emoji_groups
from xlt.errors import ConfigError

#: name -> (loader(languages, limit), its languages)
BUILTINS: dict[str, tuple[Callable[..., datasets.Dataset], tuple[str, ...]]] = {
    "emoji-groups": (emoji_groups.load_emoji_groups, emoji_groups.LANGUAGES),
}


def _get(name: str) -> tuple[Callable[..., datasets.Dataset], tuple[str, ...]]:
    if name not in BUILTINS:
        raise ConfigError(f"unknown built-in data set {name!r}; use one of "
                          f"{[f'builtin:{n}' for n in sorted(BUILTINS)]}")
    return BUILTINS[name]


def builtin_languages(name: str) -> tuple[str, ...]:
    """The languages of built-in data set ``name``."""
    return _get(name)[1]


def load_builtin(name: str, languages: Sequence[str] | None = None,
                 limit: int | None = None) -> datasets.Dataset:
    """Load built-in data set ``name`` (e.g. ``"emoji-groups"``), optionally for some languages only.

    >>> load_builtin("emoji-groups", ["fr"], limit=1)["text"][:]
    ['visage rieur']
    """
    return _get(name)[0](languages=languages, limit=limit)
