"""``POST /v1/predict`` for tagging and QA models, and the language fields every prediction carries."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.deploy.helpers import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def clients(stock_folders):
    """Test clients of a tagging and a QA service (card-less transformers folders, evaluated nowhere)."""
    from xlt.deploy.serve.app import create_app
    from xlt.deploy.serve.settings import ServeSettings

    apps = {name: create_app(ServeSettings(model=stock_folders / name, max_texts=4, max_chars=2000, api_token=TOKEN,
                                           device="cpu")) for name in ("tagger", "qa")}
    with TestClient(apps["tagger"]) as tagger, TestClient(apps["qa"]) as qa:
        yield {"tagger": tagger, "qa": qa}


def test_tagging_takes_words_or_texts_and_gives_a_tag_per_word(clients):
    words = ["Ada", "Lovelace", "wrote", "the", "first", "program"]
    r = clients["tagger"].post("/v1/predict", headers=AUTH, json={"inputs": [
        {"tokens": words, "language": "en"}, "Ada  Lovelace wrote\tthe first program", {"text": "Der Hund bellt"}]})
    assert r.status_code == 200, r.text
    by_words, by_text, german = r.json()["predictions"]
    assert by_words["tokens"] == words == by_text["tokens"] and by_words["tags"] == by_text["tags"]
    assert len(by_words["tags"]) == 6 and set(by_words["tags"]) <= {"O", "B-PER", "I-PER"}
    assert by_words["language_source"] == "given" and by_words["language_evaluated"] is False
    assert german["tokens"] == ["Der", "Hund", "bellt"] and german["language_source"] == "detected"
    info = clients["tagger"].get("/v1/info", headers=AUTH).json()
    assert info["task"] == "tagging" and info["input_fields"] == ["tokens"] and info["request_field"] == "inputs"


@pytest.mark.parametrize("body", [{"inputs": [{"tokens": []}]}, {"inputs": [{"tokens": ["a", ""]}]}, {"texts": ["a"]}])
def test_tagging_refuses_what_it_cannot_tag(clients, body):
    assert clients["tagger"].post("/v1/predict", headers=AUTH, json=body).status_code == 422


def test_a_text_without_words_gets_no_tags_without_the_model(clients):
    r = clients["tagger"].post("/v1/predict", headers=AUTH, json={"inputs": ["  ", "a b"]})
    assert r.status_code == 200, r.text
    empty, two = r.json()["predictions"]
    assert (empty["tokens"], empty["tags"], len(two["tags"])) == ([], [], 2)


def test_qa_answers_with_a_span_of_the_context(clients, stock_folders):
    from transformers import AutoConfig

    context = "Ada Lovelace wrote the first program."
    r = clients["qa"].post("/v1/predict", headers=AUTH, json={"inputs": [{"question": "who?", "context": context}]})
    assert r.status_code == 200, r.text
    (answer,) = r.json()["predictions"]
    assert context[answer["start"]:answer["end"]] == answer["answer"] and 0 < answer["score"] <= 1
    assert clients["qa"].post("/v1/predict", headers=AUTH, json={"inputs": [{"question": "who?"}]}).status_code == 422
    assert clients["qa"].post("/predict", headers=AUTH, json={"inputs": "x"}).status_code == 404  # a classifier's route
    vectors = clients["qa"].post("/v1/embeddings", headers=AUTH, json={"input": "x"}).json()
    assert len(vectors["data"][0]["embedding"]) == AutoConfig.from_pretrained(stock_folders / "qa").hidden_size


def test_a_prediction_says_whether_its_language_was_evaluated(live_server):
    import httpx

    texts = [{"text": "der hund", "language": "de"}, {"text": "o cão", "language": "pt"}]
    r = httpx.post(f"{live_server.url}/v1/predict", json={"texts": texts}, headers=AUTH, timeout=30)
    german, portuguese = r.json()["predictions"]
    assert german["language_evaluated"] is True and german["evaluated_language"] == "de"
    assert german["language_scores"] and all(isinstance(v, float) for v in german["language_scores"].values())
    assert portuguese["language_evaluated"] is False and portuguese["language_scores"] is None
