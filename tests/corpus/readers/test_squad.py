"""read_squad: SQuAD v1.1 JSON into the QA schema; offsets, ids, unanswered questions and bad JSON."""

from __future__ import annotations

import json
import logging

import pytest

from xlt.corpus.readers.squad import read_squad
from xlt.corpus.schema import validate_dataset, values
from xlt.errors import DataError

CONTEXT = "Bob lives in Paris. Paris is big."


def squad(*qas: dict, context: str = CONTEXT) -> dict:
    return {"version": "1.1", "data": [{"title": "T", "paragraphs": [{"context": context, "qas": list(qas)}]}]}


def qa(qid: str, *answers: tuple[str, int], question: str = "Where?") -> dict:
    return {"id": qid, "question": question, "answers": [{"text": t, "answer_start": s} for t, s in answers]}


def id_lines(path, qid: str) -> list[int]:
    """The 1-based lines of the file that hold ``"id": qid``."""
    return [n for n, line in enumerate(path.read_text().splitlines(), 1) if f'"id": "{qid}"' in line]


@pytest.fixture
def write_json(write):
    def _write(name: str, doc: dict, indent: int | None = 2):
        return write(name, json.dumps(doc, indent=indent, ensure_ascii=False))
    return _write


def test_read_rows_and_multiple_answers(write_json):
    p = write_json("xquad.en.json", squad(qa("q1", ("Paris", 13), ("in Paris", 10)), qa("q2", ("Bob", 0))))
    ds = validate_dataset(read_squad(p, lang="en"))
    assert ds.column_names == ["id", "lang", "question", "context", "answers"]
    assert ds[0] == {"id": "q1", "lang": "en", "question": "Where?", "context": CONTEXT,
                     "answers": {"text": ["Paris", "in Paris"], "answer_start": [13, 10]}}
    assert values(ds, "id") == ["q1", "q2"] and read_squad(p, lang="en", limit=1).num_rows == 1


def test_offset_not_matching_text_names_file_line_and_field(write_json):
    p = write_json("xquad.de.json", squad(qa("q1", ("Bob", 0)), qa("q2", ("Paris", 14))))
    with pytest.raises(DataError, match="'Paris' .* is not at answer_start 14 .* it occurs at 13") as e:
        read_squad(p, lang="de")
    err = e.value
    line = id_lines(p, "q2")[0]
    assert err.field == "answer_start" and err.line == line and f"{p}:{line}:" in str(err)
    assert "question 'q2'" in str(err) and "repair_offsets: true" in str(err)


def test_repair_offsets_takes_the_nearest_occurrence(write_json, caplog):
    p = write_json("a.json", squad(qa("q1", ("Paris", 19))))  # occurrences at 13 and 20
    with caplog.at_level(logging.WARNING, logger="xlt.corpus"):
        ds = validate_dataset(read_squad(p, lang="en", repair_offsets=True))
    assert ds[0]["answers"]["answer_start"] == [20] and "moved 1 answer_start" in caplog.text
    q = write_json("b.json", squad(qa("q1", ("London", 3))))
    with pytest.raises(DataError, match="does not occur in the context"):
        read_squad(q, lang="en", repair_offsets=True)


def test_invalid_json_names_line_and_column(write):
    p = write("bad.json", '{"data": [\n  {"paragraphs": [}\n]}\n')
    with pytest.raises(DataError, match="invalid JSON: .*\\(column 19\\)") as e:
        read_squad(p, lang="en")
    assert e.value.line == 2 and f"{p}:2:" in str(e.value)


def test_one_line_file_reports_the_column_of_the_question(write_json):
    p = write_json("one.json", squad(qa("q1", ("Bob", 0)), qa("q2", ("Bob", 5))), indent=None)
    with pytest.raises(DataError) as e:
        read_squad(p, lang="en")
    column = p.read_text().index('"id": "q2"') + 1
    assert e.value.line == 1 and f"(column {column})" in str(e.value)


def test_duplicate_ids_error_or_suffix(write_json, caplog):
    p = write_json("dup.json", squad(qa("0", ("Bob", 0)), qa("0", ("Paris", 13)), qa("0", ("big", 29))))
    with pytest.raises(DataError, match="duplicate question id") as e:
        read_squad(p, lang="en")
    assert e.value.line == id_lines(p, "0")[1]  # the line of the second question with the id
    with caplog.at_level(logging.WARNING, logger="xlt.corpus"):
        assert values(read_squad(p, lang="en", duplicate_ids="suffix"), "id") == ["0", "0#2", "0#3"]
    assert "renamed 2 question(s)" in caplog.text


def test_unanswered_questions(write_json):
    p = write_json("dev.json", squad(qa("q1", ("", 0)), qa("q2")))
    with pytest.raises(DataError, match="empty answer text") as e:
        read_squad(p, lang="en")
    assert e.value.field == "data[0].paragraphs[0].qas[0].answers[0].text"
    ds = validate_dataset(read_squad(p, lang="en", allow_unanswered=True))
    assert values(ds, "answers") == [{"text": [], "answer_start": []}] * 2


@pytest.mark.parametrize("doc,match", [
    ({"version": "1.1"}, 'a "data" list'),
    ({"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "q", "answers": []}]}]}]}, "missing or empty question"),
    ({"data": [{"paragraphs": [{"context": "c", "qas": [{"question": "q?", "answers": []}]}]}]}, "question id"),
    (squad({"id": "q", "question": "?", "answers": [{"text": "Bob", "answer_start": "0"}]}), "must be an integer"),
])
def test_structure_errors(write_json, doc, match):
    with pytest.raises(DataError, match=match):
        read_squad(write_json("s.json", doc), lang="en")


# ---- real files ---------------------------------------------------------------------------------------------

def test_real_xquad_ids_are_shared_across_languages(xlt_data):
    ids = {}
    for lang in ("en", "de", "es", "zh"):
        ds = read_squad(xlt_data / "xquad" / f"xquad.{lang}.json", lang=lang)
        assert ds.num_rows == 1190 and len(set(values(ds, "context"))) == 240
        ids[lang] = values(ds, "id")
    assert len(set(ids["en"])) == 1190 and all(v == ids["en"] for v in ids.values())


def test_real_tydiqa_train_repeats_ids_and_dev_has_no_answers(xlt_data):
    folder = xlt_data / "tydiqa_goldp"
    with pytest.raises(DataError, match="duplicate question id"):
        read_squad(folder / "tydiqa.goldp.en.train.json", lang="en")
    train = validate_dataset(read_squad(folder / "tydiqa.goldp.en.train.json", lang="en", duplicate_ids="suffix"))
    assert train.num_rows == len(set(values(train, "id"))) == 3696
    with pytest.raises(DataError, match="empty answer text") as e:
        read_squad(folder / "tydiqa.goldp.en.dev.json", lang="en")
    assert e.value.line == 1 and "(column " in str(e.value)
    dev = read_squad(folder / "tydiqa.goldp.en.dev.json", lang="en", allow_unanswered=True)
    assert dev.num_rows == 440 and all(not a["text"] for a in values(dev, "answers"))
