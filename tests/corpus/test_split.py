"""split_by_item: the partition is over items, identical across languages, seeded; the manifest."""

from __future__ import annotations

import random

import pytest

from xlt.corpus.schema import make_dataset, values
from xlt.corpus.split import SPLITS, split_by_item, split_manifest
from xlt.errors import ConfigError

LANGS = ("en", "de", "sw")


def parallel(n: int = 200, shuffle: bool = False):
    rows = [(str(i), lang) for lang in LANGS for i in range(n)]
    if shuffle:
        random.Random(1).shuffle(rows)
    return make_dataset({"id": [r[0] for r in rows], "lang": [r[1] for r in rows],
                         "text": [f"{r[1]} {r[0]}" for r in rows],
                         "label": [str(int(r[0]) % 3) for r in rows]})


def ids_by_lang(ds):
    out: dict[str, set[str]] = {lang: set() for lang in LANGS}
    for item, lang in zip(values(ds, "id"), values(ds, "lang"), strict=True):
        out[lang].add(item)
    return out


def test_no_id_in_two_splits_and_nothing_lost():
    parts = split_by_item(parallel(), seed=3)
    ids = {name: set(values(parts[name], "id")) for name in SPLITS}
    assert not ids["train"] & ids["test"] and not ids["train"] & ids["dev"] and not ids["dev"] & ids["test"]
    assert set().union(*ids.values()) == {str(i) for i in range(200)}
    assert sum(p.num_rows for p in parts.values()) == 600
    assert [len(ids[n]) for n in SPLITS] == [140, 20, 40]


def test_same_partition_in_every_language():
    parts = split_by_item(parallel(), seed=0)
    for name in SPLITS:
        by_lang = ids_by_lang(parts[name])
        assert by_lang["en"] == by_lang["de"] == by_lang["sw"]


def test_seeded_and_independent_of_row_order():
    a = split_by_item(parallel(), seed=5)
    b = split_by_item(parallel(shuffle=True), seed=5)
    c = split_by_item(parallel(), seed=6)
    test_ids = [set(values(p["test"], "id")) for p in (a, b, c)]
    assert test_ids[0] == test_ids[1] != test_ids[2]


def test_zero_fraction_and_bad_fractions():
    parts = split_by_item(parallel(10), train=0.8, dev=0.0, test=0.2)
    assert parts["dev"].num_rows == 0 and parts["test"].num_rows == 6
    with pytest.raises(ConfigError, match="sum to 1"):
        split_by_item(parallel(10), train=0.8, dev=0.1, test=0.2)
    with pytest.raises(ConfigError):
        split_by_item(parallel(10), train=1.2, dev=-0.2, test=0.0)


def test_manifest_records_ids_and_counts():
    parts = split_by_item(parallel(20), seed=0)
    manifest = split_manifest(parts, seed=0)
    assert manifest["seed"] == 0
    assert manifest["splits"]["test"]["languages"] == {"de": 4, "en": 4, "sw": 4}
    assert manifest["splits"]["test"]["ids"] == sorted(set(values(parts["test"], "id")), key=int)


def test_group_by_keeps_items_with_the_same_source_text_together():
    from xlt.corpus.schema import make_dataset

    # 12 items, 4 premises with 3 hypotheses each; the German premises differ per row (as translations may)
    ids = [str(i) for i in range(12)]
    en = [f"premise {i // 3}" for i in range(12)]
    ds = make_dataset({"id": ids * 2, "lang": ["en"] * 12 + ["de"] * 12, "text": en + [f"p{i}" for i in range(12)],
                       "label": ["x"] * 24})
    for seed in range(5):
        parts = split_by_item(ds, train=0.5, dev=0.25, test=0.25, seed=seed, group_by="text", group_language="en")
        premise_split = {}
        for name, part in parts.items():
            for item in part["id"]:
                premise_split.setdefault(int(item) // 3, set()).add(name)
        assert all(len(names) == 1 for names in premise_split.values())
        assert sum(p.num_rows for p in parts.values()) == 24


def test_group_by_unknown_column_is_a_config_error():
    import pytest

    from xlt.corpus.schema import make_dataset
    from xlt.errors import ConfigError

    ds = make_dataset({"id": ["1"], "lang": ["en"], "text": ["a"], "label": ["x"]})
    with pytest.raises(ConfigError, match="group_by"):
        split_by_item(ds, group_by="premise")
