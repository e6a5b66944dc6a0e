"""``xlt.load``: one predictor for every task, typed results, picklable without its model."""

from __future__ import annotations

import multiprocessing
import pickle

import pytest

import xlt
from xlt.errors import DataError
from xlt.finetune.tasks.classification import Classified
from xlt.finetune.tasks.qa import Answer
from xlt.finetune.tasks.tagging import Tagged
from xlt.finetune.tasks.translation import Translated


def test_classification_gives_labels_with_probabilities_in_input_order(tiny_run):
    predictor = xlt.load(tiny_run, device="cpu")
    texts = ["red green blue", "the table and the chair", "rot grün blau"]
    predictions = predictor.predict([texts[0], {"text": texts[1]}, texts[2]])
    assert all(isinstance(p, Classified) for p in predictions)
    for p in predictions:
        assert p.label in predictor.labels and p.score == max(p.scores.values())
        assert abs(sum(p.scores.values()) - 1) < 1e-5
    assert [p.label for p in predictor.predict(texts[::-1])] == [p.label for p in predictions][::-1]


def test_a_predictor_pickles_without_its_model_and_loads_once_in_each_process(tiny_run):
    predictor = xlt.load(tiny_run, device="cpu")
    expected = predictor.predict(["red green blue", "a chair"])
    assert predictor._saved is not None
    copy = pickle.loads(pickle.dumps(predictor))
    assert copy._saved is None and len(pickle.dumps(predictor)) < 2000  # the path and options, not the weights
    assert copy.predict(["red green blue", "a chair"]) == expected
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.map(predictor.predict, [["red green blue", "a chair"]])[0] == expected


def test_a_table_gets_the_prediction_columns_and_keeps_a_gold_label(tiny_run):
    import pandas as pd

    predictor = xlt.load(tiny_run, device="cpu")
    frame = pd.DataFrame({"id": ["a", "b"], "text": ["red green blue", "a chair"], "label": ["colour", "thing"]})
    out = predictor(frame)
    assert list(out.columns) == ["id", "text", "label_input", "label", "score", "scores"]
    assert out["label_input"].tolist() == ["colour", "thing"]
    assert out["label"].tolist() == [p.label for p in predictor.predict(frame["text"].tolist())]
    as_dict = predictor({"id": frame["id"].to_numpy(), "text": frame["text"].to_numpy()})  # Ray's numpy batches
    assert as_dict["label"].tolist() == out["label"].tolist()


def test_tagging_gives_one_tag_per_word_for_word_lists_and_raw_text(stock_folders):
    predictor = xlt.load(stock_folders / "tagger", device="cpu")
    assert predictor.input_fields == ("tokens",)
    words = ["Ada", "Lovelace", "wrote", "the", "first", "program"]
    by_words, by_text = predictor.predict([{"tokens": words}, "Ada  Lovelace wrote\tthe first program"])
    assert isinstance(by_words, Tagged) and by_words.tokens == words == by_text.tokens
    assert by_words.tags == by_text.tags and len(by_words.tags) == 6
    assert set(by_words.tags) <= {"O", "B-PER", "I-PER"}
    with pytest.raises(DataError, match="field 'tokens'"):
        predictor.predict([{"tokens": "not a list"}])


def test_qa_gives_a_span_with_character_offsets_across_windows(stock_folders):
    predictor = xlt.load(stock_folders / "qa", device="cpu", batch_size=4)
    context = " ".join(f"word{i}" for i in range(300))  # longer than the model's length: several windows
    answers = predictor.predict([{"question": "which word?", "context": context},
                                 {"question": "who?", "context": "Ada Lovelace wrote it."}])
    for answer, ctx in zip(answers, [context, "Ada Lovelace wrote it."], strict=True):
        assert isinstance(answer, Answer) and answer.answer
        assert ctx[answer.start:answer.end] == answer.answer and 0 < answer.score <= 1
    with pytest.raises(DataError, match="field 'context'"):
        predictor.predict(["a question without its context"])


def test_translation_gives_a_text(tmp_path):
    from tests.finetune.tiny_marian import build_tiny_marian

    texts = ["the cat sat on the mat", "die Katze sass auf der Matte", "le chat dort"] * 20
    folder = build_tiny_marian(tmp_path / "marian", texts, vocab_size=24, d_model=32, layers=1)
    predictor = xlt.load(folder, device="cpu")
    assert predictor.task.name == "translation"  # a stock MarianMTModel folder: its head says so
    (out,) = predictor.predict(["the cat"])
    assert isinstance(out, Translated) and isinstance(out.translation, str)


def test_the_task_is_known_before_the_weights_load(tiny_run, monkeypatch):
    from xlt.finetune import load

    monkeypatch.setattr(load, "load_saved", lambda *a, **k: pytest.fail("weights loaded"))
    predictor = xlt.load(tiny_run)
    assert predictor.input_row("hi") == {"text": "hi"}
    with pytest.raises(DataError, match="field 'text'"):
        predictor.input_row({"txt": "hi"})
