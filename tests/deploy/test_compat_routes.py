"""The text-embeddings-inference and OpenAI routes against a running server, with those projects' clients."""

from __future__ import annotations

import base64
import math

import httpx
import numpy as np
import pytest

from tests.deploy.helpers import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def call(server, path: str, body: dict | None = None) -> httpx.Response:
    if body is None:
        return httpx.get(f"{server.url}{path}", headers=AUTH, timeout=30)
    return httpx.post(f"{server.url}{path}", json=body, headers=AUTH, timeout=30)


def direct_vectors(predictor, texts: list[str]) -> np.ndarray:
    from xlt.deploy.serve.embedder import Embedder, normalized

    return normalized(Embedder(predictor).embed(texts))


def test_tei_predict_answers_one_input_a_pair_and_a_batch_like_tei(live_server, tiny_predictor):
    one = call(live_server, "/predict", {"inputs": "red cat"})
    assert one.status_code == 200, one.text
    labels = one.json()
    assert [set(x) for x in labels] == [{"label", "score"}] * len(tiny_predictor.labels)
    assert [x["score"] for x in labels] == sorted((x["score"] for x in labels), reverse=True)
    assert labels[0]["label"] == tiny_predictor.predict(["red cat"])[0].label
    assert abs(sum(x["score"] for x in labels) - 1) < 1e-4
    pair = call(live_server, "/predict", {"inputs": ["red cat", "blue dog"]}).json()
    assert isinstance(pair[0], dict)  # two strings: one text pair, as TEI reads them
    for inputs in (["red cat", "der hund", "le chat"], [["red cat"], ["der hund", "le chat"]]):
        batch = call(live_server, "/predict", {"inputs": inputs})
        assert batch.status_code == 200, batch.text
        assert len(batch.json()) == len(inputs) and all(isinstance(x, list) for x in batch.json())
    raw = call(live_server, "/predict", {"inputs": "red cat", "raw_scores": True}).json()
    assert [x["label"] for x in raw] == [x["label"] for x in labels]
    assert math.isclose(raw[0]["score"], math.log(labels[0]["score"]), rel_tol=1e-4)


def test_tei_embed_gives_unit_vectors_of_the_encoder(live_server, tiny_predictor):
    texts = ["red cat", "der hund"]
    r = call(live_server, "/embed", {"inputs": texts})
    assert r.status_code == 200, r.text
    vectors = np.asarray(r.json())
    assert vectors.shape == (2, tiny_predictor.saved.model.config.hidden_size)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert np.allclose(vectors, direct_vectors(tiny_predictor, texts), atol=1e-5)
    raw = np.asarray(call(live_server, "/embed", {"inputs": "red cat", "normalize": False, "dimensions": 4}).json())
    assert raw.shape == (1, 4)
    assert call(live_server, "/embed", {"inputs": "x", "prompt_name": "query"}).status_code == 422


def test_tei_info_and_health(live_server, tiny_predictor):
    info = call(live_server, "/info").json()
    assert info["model_type"]["classifier"]["label2id"] == {label: i for i, label in enumerate(tiny_predictor.labels)}
    assert info["max_input_length"] == 32 and info["max_client_batch_size"] == 8
    assert info["model_id"] == tiny_predictor.name and info["version"]
    assert httpx.get(f"{live_server.url}/health").status_code == 200
    assert httpx.get(f"{live_server.url}/info").status_code == 401


def test_huggingface_inference_client_reads_embed(live_server, tiny_predictor, monkeypatch):
    from huggingface_hub import InferenceClient, constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)  # the tests run hub-offline; this is loopback

    client = InferenceClient(model=f"{live_server.url}/embed", token=TOKEN)
    vectors = client.feature_extraction("red cat")
    assert np.allclose(np.asarray(vectors).reshape(1, -1), direct_vectors(tiny_predictor, ["red cat"]), atol=1e-5)


@pytest.mark.parametrize("encoding_format", ["float", "base64"])
def test_openai_client_embeddings(live_server, tiny_predictor, encoding_format):
    from openai import OpenAI

    client = OpenAI(base_url=f"{live_server.url}/v1", api_key=TOKEN)
    texts = ["red cat", "der hund", "le chat bleu"]
    r = client.embeddings.create(input=texts, model="anything", encoding_format=encoding_format)
    assert r.model == tiny_predictor.name and [d.index for d in r.data] == [0, 1, 2]
    rows = [np.frombuffer(base64.b64decode(d.embedding), dtype="<f4") if isinstance(d.embedding, str)
            else np.asarray(d.embedding) for d in r.data]
    assert np.allclose(np.stack(rows), direct_vectors(tiny_predictor, texts), atol=1e-5)
    assert r.usage.prompt_tokens == r.usage.total_tokens >= 3 * 3  # [CLS] word(s) [SEP] per text
    single = client.embeddings.create(input="red cat", model="x", dimensions=5)
    assert len(single.data) == 1 and len(single.data[0].embedding) == 5


def test_openai_client_gets_401_without_the_token(live_server):
    import openai

    client = openai.OpenAI(base_url=f"{live_server.url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        client.embeddings.create(input="x", model="m")
