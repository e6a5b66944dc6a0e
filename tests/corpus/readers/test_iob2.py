"""read_iob2 / check_iob2: UniversalNER .iob2 files and the IOB2 tag scheme."""

from __future__ import annotations

import logging

import pytest

from xlt.corpus.readers.iob2 import check_iob2, read_iob2
from xlt.corpus.schema import validate_dataset, values
from xlt.errors import DataError


def sentence(sent_id: str | None, *pairs: tuple[str, str]) -> str:
    head = f"# sent_id = {sent_id}\n# text = {' '.join(t for t, _ in pairs)}\n" if sent_id else ""
    return head + "".join(f"{i}\t{t}\t{tag}\t-\t-\n" for i, (t, tag) in enumerate(pairs, 1)) + "\n"


def assert_at(err: DataError, path, line: int, field: str | None = None) -> None:
    assert f"{path}:{line}:" in str(err) and err.line == line and str(err.path) == str(path)
    if field is not None:
        assert err.field == field


def test_read_sentences_ids_and_tags(write):
    p = write("en.iob2", "# newdoc id = d\n" + sentence("a-1", ("Tampa", "B-LOC"), ("Bay", "I-LOC"), ("!", "O"))
              + sentence(None, ("Bob", "B-PER")))
    ds = validate_dataset(read_iob2(p, lang="en"))
    assert ds[0] == {"id": "a-1", "lang": "en", "tokens": ["Tampa", "Bay", "!"], "tags": ["B-LOC", "I-LOC", "O"]}
    assert ds[1]["id"] == "1" and read_iob2(p, lang="en", limit=1).num_rows == 1


def test_i_tag_breaking_the_scheme_names_file_line_and_tag(write):
    p = write("de.iob2", sentence("s1", ("Bob", "B-PER"), ("Berlin", "I-LOC")))
    with pytest.raises(DataError, match="'I-LOC' does not continue a LOC entity \\(the previous tag is 'B-PER'\\)"
                       ) as e:
        read_iob2(p, lang="de")
    assert_at(e.value, p, 4, "tag")
    assert "repair: true" in str(e.value)


def test_i_tag_after_o_and_at_sentence_start(write):
    p = write("a.iob2", sentence("s1", ("a", "O"), ("b", "I-ORG")))
    with pytest.raises(DataError, match="previous tag is 'O'") as e:
        read_iob2(p, lang="en")
    assert_at(e.value, p, 4)
    p = write("b.iob2", sentence("s1", ("a", "B-ORG")) + sentence("s2", ("b", "I-ORG")))
    with pytest.raises(DataError, match="it starts the sentence") as e:
        read_iob2(p, lang="en")
    assert_at(e.value, p, 7)


def test_repair_converts_and_counts(write, caplog):
    p = write("a.iob2", sentence("s1", ("a", "O"), ("b", "I-ORG"), ("c", "I-ORG"), ("d", "I-PER")))
    with caplog.at_level(logging.WARNING, logger="xlt.corpus"):
        ds = read_iob2(p, lang="en", repair=True)
    assert ds[0]["tags"] == ["O", "B-ORG", "I-ORG", "B-PER"]
    assert "repaired 2 I- tag(s)" in caplog.text


@pytest.mark.parametrize("tag", ["B-", "X-PER", "b-PER", "I-PER-X", "PER"])
def test_tag_outside_the_scheme(write, tag):
    p = write("a.iob2", sentence("s1", ("a", "O"), ("b", tag)))
    with pytest.raises(DataError, match="bad tag") as e:
        read_iob2(p, lang="en", repair=True)
    assert_at(e.value, p, 4, "tag")


def test_too_few_columns_and_empty_token(write):
    p = write("a.iob2", "# sent_id = s\n1\tBob\n")
    with pytest.raises(DataError, match="at least 3 tab-separated columns") as e:
        read_iob2(p, lang="en")
    assert_at(e.value, p, 2)
    p = write("b.iob2", "1\t \tO\n")
    with pytest.raises(DataError, match="empty token") as e:
        read_iob2(p, lang="en")
    assert_at(e.value, p, 1, "token")


def test_check_iob2_directly():
    assert check_iob2(["B-A", "I-A", "O", "B-B"], path="x", lines=[1, 2, 3, 4]) == (["B-A", "I-A", "O", "B-B"], 0)


# ---- real files ---------------------------------------------------------------------------------------------

UNER = {  # file: (sentences, tokens, B- tags), from uner/README.md
    "en_ewt-ud-dev": (2001, 25149, 966), "en_ewt-ud-test": (2077, 25097, 1088),
    "en_pud-ud-test": (1000, 21176, 1075), "de_pud-ud-test": (1000, 21331, 1039),
    "zh_pud-ud-test": (1000, 21415, 1139), "zh_gsd-ud-test": (500, 12012, 767), "zh_gsd-ud-dev": (500, 12663, 810),
    "zh_gsdsimp-ud-test": (500, 12012, 763),
}


@pytest.mark.parametrize("name", sorted(UNER))
def test_real_uner_counts(xlt_data, name):
    ds = read_iob2(xlt_data / "uner" / f"{name}.iob2", lang=name[:2])
    tags = [t for sent in values(ds, "tags") for t in sent]
    assert (ds.num_rows, len(tags), sum(t.startswith("B-") for t in tags)) == UNER[name]
    assert {t[2:] for t in tags} - {""} == {"PER", "ORG", "LOC"}


def test_real_pud_ids_are_shared_across_languages(xlt_data):
    en, de = (values(read_iob2(xlt_data / "uner" / f"{lang}_pud-ud-test.iob2", lang=lang), "id")
              for lang in ("en", "de"))
    assert en == de and en[0] == "n01001-0001"  # UNER numbers PUD sentences unlike UD ("n01001011")
