import numpy as np
import pytest

from xlt.evaluate.baselines import (
    Baseline,
    FrozenEncoderBaseline,
    LexicalBaseline,
    MajorityTagBaseline,
    TokenBaseline,
    TokenProbeBaseline,
)

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


# --- token tagging ------------------------------------------------------------------------------------------

def test_majority_tag_by_word_with_lowercase_backoff_and_fallback():
    tokens = [["The", "dog", "barks"], ["the", "dog", "can", "bark"], ["A", "dog"]]
    tags = [["DET", "NOUN", "VERB"], ["DET", "NOUN", "AUX", "VERB"], ["DET", "NOUN"]]
    clf = MajorityTagBaseline().fit(tokens, tags)
    assert isinstance(clf, TokenBaseline) and clf.name == "majority-tag"
    # THE -> lowercased "the"; "Hund" unseen -> overall majority (DET and NOUN 3 each: DET seen first)
    assert clf.predict([["THE", "dog", "Hund"], []]) == [["DET", "NOUN", "DET"], []]
    exact_only = MajorityTagBaseline(lowercase=False).fit(tokens, tags)
    assert exact_only.predict([["THE", "The"]]) == [["DET", "DET"]]  # unseen "THE" falls back


def test_majority_tag_prefers_the_words_most_frequent_tag():
    tokens = [["run"], ["run"], ["run"], ["fast"], ["fast"], ["fast"], ["fast"]]
    tags = [["VERB"], ["NOUN"], ["VERB"], ["ADV"], ["ADV"], ["ADJ"], ["ADV"]]
    clf = MajorityTagBaseline().fit(tokens, tags)
    assert clf.predict([["run", "fast", "new"]]) == [["VERB", "ADV", "ADV"]]
    tie = MajorityTagBaseline().fit([["x", "x", "y", "y", "y"]], [["A", "B", "B", "B", "C"]])
    assert tie.predict([["x"]]) == [["B"]]  # tie between A and B: B is more frequent overall


def test_majority_tag_errors():
    with pytest.raises(ValueError, match="2 words but 1 tags"):
        MajorityTagBaseline().fit([["a", "b"]], [["X"]])
    with pytest.raises(RuntimeError, match="before fit"):
        MajorityTagBaseline().predict([["a"]])


def _fake_word_embed(calls: list[int]):
    # word vectors: a feature for capitalised words and one for digits, plus a shared offset and noise
    def embed(sentences: list[list[str]]) -> list[np.ndarray]:
        calls.append(len(sentences))
        rng = np.random.default_rng(len(sentences))
        return [np.array([[w[:1].isupper(), w.isdigit()] for w in s], dtype=float).reshape(len(s), 2) + 3.0
                + 0.05 * rng.standard_normal((len(s), 2)) for s in sentences]
    return embed


def test_token_probe_learns_separable_toy_problem():
    calls: list[int] = []
    tokens = [["Anna", "saw", "3", "cats"], ["Berlin", "has", "12", "parks"], ["Otto", "ate", "7", "figs"]] * 3
    tags = [["PROPN", "X", "NUM", "X"]] * 9
    clf = TokenProbeBaseline(_fake_word_embed(calls)).fit(tokens, tags)
    assert isinstance(clf, TokenBaseline) and clf.name == "frozen-encoder"
    assert clf.predict([["Paris", "liegt", "42"], [], ["x"]]) == [["PROPN", "X", "NUM"], [], ["X"]]
    assert calls == [9, 3]  # embed called once per fit / predict


def test_token_probe_checks_shapes():
    clf = TokenProbeBaseline(lambda sentences: [np.zeros(len(s)) for s in sentences])
    with pytest.raises(ValueError, match="expected"):
        clf.fit([["a", "b"]], [["X", "Y"]])
    clf = TokenProbeBaseline(lambda sentences: [np.zeros((1, 4))])
    with pytest.raises(ValueError, match="1 arrays for 2 sentences"):
        clf.fit([["a"], ["b"]], [["X"], ["Y"]])
    with pytest.raises(ValueError, match="1 words but 2 tags"):
        clf.fit([["a"]], [["X", "Y"]])
