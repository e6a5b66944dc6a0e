"""read_token_tsv: the XTREME token<TAB>tag format."""

from __future__ import annotations

import pytest

from xlt.corpus.readers.token_tsv import read_token_tsv
from xlt.corpus.schema import validate_dataset, values
from xlt.errors import DataError


def test_read_sentences_hash_token_and_limit(write):
    p = write("train-en.tsv", "#\tSYM\n1\tNUM\n\n\nHi\tINTJ\r\n")
    ds = validate_dataset(read_token_tsv(p, lang="en"))
    assert ds[0] == {"id": "0", "lang": "en", "tokens": ["#", "1"], "tags": ["SYM", "NUM"]}
    assert ds[1]["tokens"] == ["Hi"] and ds[1]["tags"] == ["INTJ"]
    assert read_token_tsv(p, lang="en", limit=1).num_rows == 1


def test_wrong_columns_and_empty_tag_name_the_line(write):
    p = write("a.tsv", "a\tDET\n\nb\tNOUN\textra\n")
    with pytest.raises(DataError, match="expected 2 tab-separated columns .* found 3") as e:
        read_token_tsv(p, lang="en")
    assert f"{p}:3:" in str(e.value)
    p = write("b.tsv", "a\t\n")
    with pytest.raises(DataError, match="empty tag") as e:
        read_token_tsv(p, lang="en")
    assert f"{p}:1: field 'tag'" in str(e.value)


def test_real_xtreme_udpos(xlt_data):
    folder = xlt_data / "ud_en" / "xtreme_udpos"
    train = read_token_tsv(folder / "train-en.tsv", lang="en")
    assert (train.num_rows, sum(map(len, values(train, "tokens")))) == (21253, 375194)
    dev = read_token_tsv(folder / "dev-en.tsv", lang="en")
    assert (dev.num_rows, sum(map(len, values(dev, "tokens")))) == (3974, 62632)
    assert len({t for sent in values(dev, "tags") for t in sent}) == 17
