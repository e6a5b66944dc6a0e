"""Read SQuAD v1.1 JSON (XQuAD, TyDiQA-GoldP, MLQA) into the extractive-QA schema.

The file is ``{"data": [{"paragraphs": [{"context": ..., "qas": [{"id", "question", "answers": [{"text",
"answer_start"}]}]}]}]}``; one row per question, id = the question id (XQuAD's ids are the same in every
language, so a split by item keeps translations together). Every answer must be found in the context at
its ``answer_start``; ``repair_offsets=True`` moves a wrong offset to the nearest occurrence of the text
instead (counted and logged). Errors name the file and, when the question can be found in the raw text,
the line (and column) of its ``"id"``.

>>> import json, tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "xquad.en.json"
>>> qa = {"id": "q1", "question": "Who ran?", "answers": [{"text": "Bob", "answer_start": 0}]}
>>> _ = p.write_text(json.dumps({"data": [{"paragraphs": [{"context": "Bob ran.", "qas": [qa]}]}]}))
>>> row = read_squad(p, lang="en")[0]
>>> row["id"], row["context"], row["answers"]
('q1', 'Bob ran.', {'text': ['Bob'], 'answer_start': [0]})
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import datasets

from xlt.corpus.readers.lines import open_binary
from xlt.corpus.schema import ANSWER_START, ANSWER_TEXT, ANSWERS, CONTEXT, ID, LANG, QUESTION, answer_at, make_dataset
from xlt.errors import ConfigError, DataError

log = logging.getLogger(__name__)

DuplicateIds = Literal["error", "suffix"]
_ID_KEY = re.compile(r'(?<!\\)"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)')


def read_squad(path: str | Path, *, lang: str, repair_offsets: bool = False, allow_unanswered: bool = False,
               duplicate_ids: DuplicateIds = "error", limit: int | None = None) -> datasets.Dataset:
    """Read one SQuAD v1.1 JSON file (one language) into a QA dataset; ``limit``: first questions.

    - ``repair_offsets``: an ``answer_start`` that does not point at the answer text is moved to the
      nearest occurrence of the text in the context (else it is a :class:`DataError`).
    - ``allow_unanswered``: keep questions without an answer (empty ``answers`` lists; empty answer texts
      are dropped). Else a question without an answer, or an empty answer text, is a :class:`DataError`
      (e.g. files whose answers were stripped, like this TyDiQA-GoldP English dev copy).
    - ``duplicate_ids``: ``"error"`` (default), or ``"suffix"`` to rename the 2nd, 3rd, ... question with
      an id to ``id#2``, ``id#3``, ... (for files whose ids are not unique, like XTREME's TyDiQA-GoldP
      English train).
    """
    if limit is not None and limit < 1:
        raise ConfigError(f"limit must be a positive number of questions, got {limit}")
    if duplicate_ids not in ("error", "suffix"):
        raise ConfigError(f"duplicate_ids must be 'error' or 'suffix', got {duplicate_ids!r}")
    text = _read_text(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataError(f"invalid JSON: {e.msg} (column {e.colno})", path=path, line=e.lineno) from None
    reader = _Reader(path, text, lang, repair_offsets=repair_offsets, allow_unanswered=allow_unanswered,
                     duplicate_ids=duplicate_ids, limit=limit)
    reader.read(doc)
    if reader.repaired:
        log.warning("%s: moved %d answer_start offset(s) to the nearest occurrence of the answer text", path,
                    reader.repaired)
    if reader.renamed:
        log.warning("%s: renamed %d question(s) with a repeated id (id#2, id#3, ...)", path, reader.renamed)
    if reader.unanswered:
        log.warning("%s: %d question(s) have no answer (allow_unanswered is set)", path, reader.unanswered)
    if not reader.rows[ID]:
        raise DataError("no questions", path=path)
    return make_dataset(reader.rows, layout="qa")


def _read_text(path: str | Path) -> str:
    with open_binary(path) as f:
        raw = f.read()
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise DataError(f"not UTF-8: byte 0x{raw[e.start]:02x} at byte offset {e.start}; save the file as UTF-8",
                        path=path, line=line) from None


class _Reader:
    """Walks the parsed JSON, collecting rows; knows how to find a question's line in the raw text."""

    def __init__(self, path: str | Path, text: str, lang: str, *, repair_offsets: bool, allow_unanswered: bool,
                 duplicate_ids: DuplicateIds, limit: int | None) -> None:
        self.path, self.text, self.lang, self.limit = path, text, lang, limit
        self.repair_offsets, self.allow_unanswered = repair_offsets, allow_unanswered
        self.duplicate_ids = duplicate_ids
        self.rows: dict[str, list[Any]] = {ID: [], LANG: [], QUESTION: [], CONTEXT: [], ANSWERS: []}
        self.repaired = self.renamed = self.unanswered = 0
        self._seen: Counter[str] = Counter()   # raw question id -> occurrences so far
        self._ids: set[str] = set()            # ids given to rows
        self._positions: dict[str, list[int]] | None = None

    # ---- locating a question in the raw text ----------------------------------------------------------

    def _where(self, qid: str | None, occurrence: int) -> tuple[int | None, str]:
        """(line, " (column C)") of the ``occurrence``-th ``"id": qid`` in the raw text, if found."""
        if qid is None:
            return None, ""
        if self._positions is None:
            self._positions = {}
            for match in _ID_KEY.finditer(self.text):
                try:
                    value = str(json.loads(match.group(1)))
                except json.JSONDecodeError:
                    continue
                self._positions.setdefault(value, []).append(match.start())
        found = self._positions.get(qid, [])
        if occurrence >= len(found):
            return None, ""
        pos = found[occurrence]
        line = self.text.count("\n", 0, pos) + 1
        return line, f" (column {pos - self.text.rfind(chr(10), 0, pos)})"

    def error(self, message: str, where: str, *, qid: str | None = None, occurrence: int = 0) -> DataError:
        line, column = self._where(qid, occurrence)
        about = f"question {qid!r}{column}: " if qid is not None else ""
        return DataError(about + message, path=self.path, line=line, field=where)

    # ---- the walk ---------------------------------------------------------------------------------------

    def read(self, doc: Any) -> None:
        data = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(data, list):
            raise self.error('expected a JSON object with a "data" list (SQuAD v1.1 format)', "data")
        for a, article in enumerate(data):
            paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
            if not isinstance(paragraphs, list):
                raise self.error('expected an object with a "paragraphs" list', f"data[{a}]")
            for p, paragraph in enumerate(paragraphs):
                if not self._paragraph(paragraph, f"data[{a}].paragraphs[{p}]"):
                    return

    def _paragraph(self, paragraph: Any, where: str) -> bool:
        """Read one paragraph's questions; False once ``limit`` is reached."""
        if not isinstance(paragraph, dict) or not isinstance(paragraph.get("qas"), list):
            raise self.error('expected an object with "context" and a "qas" list', where)
        context = paragraph.get("context")
        for q, qa in enumerate(paragraph["qas"]):
            if self.limit is not None and len(self.rows[ID]) >= self.limit:
                return False
            self._question(qa, context, f"{where}.qas[{q}]", f"{where}.context")
        return True

    def _question(self, qa: Any, context: Any, where: str, context_where: str) -> None:
        if not isinstance(qa, dict):
            raise self.error("expected a question object", where)
        raw_id = qa.get("id")
        if isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or not str(raw_id).strip():
            raise self.error(f"missing or empty question id ({raw_id!r})", f"{where}.id")
        qid = str(raw_id)
        occurrence = self._seen[qid]
        self._seen[qid] += 1

        def fail(message: str, field: str) -> DataError:
            return self.error(message, field, qid=qid, occurrence=occurrence)

        if not isinstance(context, str) or not context.strip():
            raise fail("missing or empty context", context_where)
        question = qa.get("question")
        if not isinstance(question, str) or not question.strip():
            raise fail("missing or empty question", f"{where}.question")
        item = qid
        if item in self._ids:
            if self.duplicate_ids == "error":
                raise fail("duplicate question id; an id names one item per language. Set duplicate_ids: "
                           "suffix to number the repeats (id#2, id#3, ...)", f"{where}.id")
            k = occurrence + 1
            while f"{qid}#{k}" in self._ids:
                k += 1
            item = f"{qid}#{k}"
            self.renamed += 1
        texts, starts = self._answers(qa.get("answers"), context, where, fail)
        if not texts:
            if not self.allow_unanswered:
                raise fail("the question has no answer; set allow_unanswered: true to keep questions without "
                           "answers", f"{where}.answers")
            self.unanswered += 1
        self._ids.add(item)
        self.rows[ID].append(item)
        self.rows[LANG].append(self.lang)
        self.rows[QUESTION].append(question)
        self.rows[CONTEXT].append(context)
        self.rows[ANSWERS].append({ANSWER_TEXT: texts, ANSWER_START: starts})

    def _answers(self, answers: Any, context: str, where: str, fail: Any) -> tuple[list[str], list[int]]:
        if not isinstance(answers, list):
            raise fail("expected an answers list", f"{where}.answers")
        texts: list[str] = []
        starts: list[int] = []
        for i, answer in enumerate(answers):
            field = f"{where}.answers[{i}]"
            if not isinstance(answer, dict):
                raise fail("expected an answer object with text and answer_start", field)
            text, start = answer.get(ANSWER_TEXT), answer.get(ANSWER_START)
            if not isinstance(text, str):
                raise fail(f"answer text must be a string, found {type(text).__name__}", f"{field}.text")
            if isinstance(start, bool) or not isinstance(start, int):
                raise fail(f"answer_start must be an integer, found {start!r} ({field})", ANSWER_START)
            if not text:
                if self.allow_unanswered:
                    continue
                raise fail("empty answer text (a file without gold answers?); set allow_unanswered: true to keep "
                           "questions without answers", f"{field}.text")
            if not answer_at(context, text, start):
                found = _nearest(context, text, start)
                if not self.repair_offsets or found is None:
                    there = context[max(start, 0):max(start, 0) + len(text)]
                    hint = ("the text does not occur in the context" if found is None else
                            f"it occurs at {found}; set repair_offsets: true to use the nearest occurrence")
                    raise fail(f"the answer {text!r} ({field}) is not at answer_start {start} (the context "
                               f"there reads {there!r}); {hint}", ANSWER_START)
                start = found
                self.repaired += 1
            texts.append(text)
            starts.append(start)
        return texts, starts


def _nearest(context: str, text: str, start: int) -> int | None:
    """The offset of the occurrence of ``text`` in ``context`` nearest to ``start`` (None if none; the
    earlier one on a tie).

    >>> _nearest("b a a b", "b", 4)
    6
    """
    best: int | None = None
    pos = context.find(text)
    while pos != -1:
        if best is None or abs(pos - start) < abs(best - start):
            best = pos
        pos = context.find(text, pos + 1)
    return best
