import numpy as np
import pytest

from xlt.evaluate.baselines import Baseline, FrozenEncoderBaseline, LexicalBaseline

SPORT_EN = ["the football match", "a tennis player wins", "goal in the last minute", "the team won the cup",
            "football team and goal", "tennis match point"]
FOOD_EN = ["a bowl of soup", "bread and cheese", "cook the pasta", "fresh tomato salad",
           "cheese and bread soup", "pasta with tomato"]


def test_lexical_learns_separable_toy_problem():
    clf = LexicalBaseline().fit(SPORT_EN + FOOD_EN, ["sport"] * 6 + ["food"] * 6)
    assert isinstance(clf, Baseline) and clf.name == "lexical"
    # shared subwords carry to another language (Spanish/Italian-like spellings)
    predicted = clf.predict(["futbol y tenis", "la pasta al tomate", "football goal"])
    assert predicted == ["sport", "food", "sport"]


def test_lexical_predicts_strings():
    clf = LexicalBaseline().fit(["aaa", "bbb"], ["1", "2"])
    assert clf.predict(["aaa aaa"]) == ["1"]


def _fake_embed(calls: list[int]):
    # one direction per class word, plus a large shared offset (like anisotropic sentence embeddings)
    def embed(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        rng = np.random.default_rng(len(texts))
        x = np.array([[("sport" in t) * 1.0, ("food" in t) * 1.0] for t in texts])
        return x + 5.0 + 0.05 * rng.standard_normal(x.shape)
    return embed


def test_frozen_encoder_learns_separable_toy_problem():
    calls: list[int] = []
    texts = [f"sport {i}" for i in range(10)] + [f"food {i}" for i in range(10)]
    clf = FrozenEncoderBaseline(_fake_embed(calls)).fit(texts, ["S"] * 10 + ["F"] * 10)
    assert isinstance(clf, Baseline) and clf.name == "frozen-encoder"
    assert clf.predict(["sport x", "food y", "more sport"]) == ["S", "F", "S"]
    assert calls == [20, 3]  # embed called once per fit / predict, nothing cached


def test_frozen_encoder_checks_embedding_shape():
    clf = FrozenEncoderBaseline(lambda texts: np.zeros(len(texts)))
    with pytest.raises(ValueError, match="expected"):
        clf.fit(["a", "b"], ["x", "y"])
