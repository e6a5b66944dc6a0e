import json

import pytest

from xlt.errors import ConfigError, DataError
from xlt.evaluate.scores import score_systems

# xlt: en 4/4, fr 3/4, de 2/4; lexical: en 3/4, fr 1/4, de missing
PREDICTIONS = {
    "xlt": {
        "en": (["a", "b", "a", "b"], ["a", "b", "a", "b"]),
        "fr": (["a", "b", "a", "b"], ["a", "b", "a", "a"]),
        "de": (["a", "b", "a", "b"], ["a", "a", "b", "b"]),
    },
    "lexical": {
        "en": (["a", "b", "a", "b"], ["a", "b", "a", "a"]),
        "fr": (["a", "b", "a", "b"], ["b", "a", "b", "b"]),
    },
}


def test_hand_made_case():
    r = score_systems(PREDICTIONS, ["en"], n_resamples=200)
    assert r["primary_metric"] == "accuracy" and r["metrics"] == ["accuracy", "macro_f1"]
    assert r["source_languages"] == ["en"] and r["target_languages"] == ["fr", "de"]
    assert list(r["systems"]) == ["xlt", "lexical"]
    xlt = r["systems"]["xlt"]
    assert xlt["source"] == 1.0
    assert xlt["target_mean"] == pytest.approx(0.625) and xlt["gap"] == pytest.approx(0.375)
    lex = r["systems"]["lexical"]
    assert lex["source"] == 0.75 and lex["target_mean"] == 0.25 and lex["gap"] == 0.5
    fr = xlt["languages"]["fr"]
    assert fr["n"] == 4 and fr["accuracy"] == 0.75
    assert fr["macro_f1"] == pytest.approx((0.8 + 2 / 3) / 2)
    for name in ("accuracy", "macro_f1"):
        low, high = fr[f"{name}_ci"]
        assert low <= fr[name] <= high
    assert json.loads(json.dumps(r)) == r  # plain JSON types only


def test_primary_metric_drives_summary():
    r = score_systems(PREDICTIONS, ["en"], primary="macro_f1", n_resamples=50)
    de = r["systems"]["xlt"]["languages"]["de"]
    assert r["systems"]["xlt"]["target_mean"] == pytest.approx(
        (r["systems"]["xlt"]["languages"]["fr"]["macro_f1"] + de["macro_f1"]) / 2)


def test_several_source_languages_and_missing_ones():
    r = score_systems(PREDICTIONS, ["en", "fr"], n_resamples=50)
    assert r["target_languages"] == ["de"]
    assert r["systems"]["xlt"]["source"] == pytest.approx(0.875)
    assert r["systems"]["lexical"]["target_mean"] is None and r["systems"]["lexical"]["gap"] is None


def test_errors():
    with pytest.raises(ConfigError, match="known metrics"):
        score_systems(PREDICTIONS, ["en"], metrics=("accuracy", "meteor"))
    with pytest.raises(ConfigError, match="primary"):
        score_systems(PREDICTIONS, ["en"], metrics=("accuracy",), primary="macro_f1")
    with pytest.raises(DataError, match="'xlt'.*'en'"):
        score_systems({"xlt": {"en": (["a", "b"], ["a"])}}, ["en"])


def test_tagging_predictions():
    gold = [["B-PER", "I-PER", "O"], ["O", "B-LOC"], ["B-ORG", "O"], ["O", "O"]]
    preds = {
        "xlt": {"en": (gold, gold), "de": (gold, [["B-PER", "I-PER", "O"], ["O", "O"], ["B-ORG", "O"], ["O", "O"]])},
        "majority-tag": {"en": (gold, [["O"] * len(s) for s in gold]), "de": (gold, [["O"] * len(s) for s in gold])},
    }
    r = score_systems(preds, ["en"], metrics=("entity_f1", "word_accuracy"), primary="entity_f1", n_resamples=100)
    de = r["systems"]["xlt"]["languages"]["de"]
    assert de["n"] == 4
    assert de["entity_f1"] == pytest.approx(0.8)  # 2 of 2 predicted, 2 of 3 gold entities
    assert de["word_accuracy"] == pytest.approx(8 / 9)
    assert de["entity_f1_ci"][0] <= 0.8 <= de["entity_f1_ci"][1]
    assert r["systems"]["xlt"]["gap"] == pytest.approx(0.2)
    assert r["systems"]["majority-tag"]["source"] == 0.0
    assert "strict IOB2" in r["metric_descriptions"]["entity_f1"]
    assert "normalisation" not in de
    assert json.loads(json.dumps(r)) == r


def test_qa_predictions_record_the_normalisation_per_language():
    preds = {"xlt": {
        "en": ([["The Eiffel Tower"], ["Paris"]], ["Eiffel tower", "in Paris"]),
        "zh": ([["北京大学"], ["上海"]], ["北京", "上海"]),
        "de": ([["die Katze"], ["«Hallo»"]], ["Katze", "Hallo"]),
    }}
    metrics = ("exact_match_mlqa", "qa_f1_mlqa", "exact_match", "qa_f1")
    r = score_systems(preds, ["en"], metrics=metrics, primary="qa_f1_mlqa", n_resamples=100)
    langs = r["systems"]["xlt"]["languages"]
    assert langs["zh"]["qa_f1_mlqa"] == pytest.approx((2 / 3 + 1) / 2) and langs["zh"]["qa_f1"] == 0.5
    assert langs["de"]["exact_match_mlqa"] == 1.0 and langs["de"]["exact_match"] == 0.0
    assert langs["en"]["exact_match_mlqa"] == 0.5 and langs["en"]["qa_f1"] == pytest.approx((1 + 2 / 3) / 2)
    assert set(langs["zh"]["normalisation"]) == {"exact_match_mlqa", "qa_f1_mlqa"}
    assert "mixed segmentation" in langs["zh"]["normalisation"]["qa_f1_mlqa"]
    assert "der/die/das" in langs["de"]["normalisation"]["exact_match_mlqa"]
    assert "SQuAD v1.1" in r["metric_descriptions"]["qa_f1"] and "MLQA" in r["metric_descriptions"]["qa_f1_mlqa"]
    assert json.loads(json.dumps(r)) == r
