import numpy as np
import pytest
from seqeval.metrics import classification_report
from seqeval.metrics import f1_score as seqeval_f1
from seqeval.scheme import IOB2

from xlt.evaluate.metrics import METRICS, get_metric
from xlt.evaluate.tagging_metrics import (
    entity_f1,
    entity_f1_from_stats,
    entity_stats,
    entity_type_f1,
    entity_type_table,
    ratio_from_stats,
    word_accuracy,
    word_accuracy_stats,
)

CASES = [
    # perfect
    ([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "B-LOC"]]),
    # one of two entities found: P 1, R 0.5
    ([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "O"]]),
    # wrong boundary and wrong type count as errors
    ([["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "I-ORG", "I-ORG"]],
     [["B-PER", "O", "O", "B-ORG"], ["B-ORG", "I-ORG", "O"]]),
    # I- without B- (invalid in IOB2): strict mode starts no entity there
    ([["B-PER", "I-PER", "O"], ["O", "B-MISC"]], [["I-PER", "I-PER", "O"], ["O", "I-MISC"]]),
    # an I- of another type breaks the entity in strict mode
    ([["B-LOC", "I-LOC", "I-LOC"]], [["B-LOC", "I-PER", "I-LOC"]]),
    # several sentences, including one without entities and an empty one
    ([["O", "O"], [], ["B-PER"], ["B-LOC", "B-LOC"]], [["B-PER", "O"], [], ["B-PER"], ["B-LOC", "I-LOC"]]),
]


@pytest.mark.parametrize(("y_true", "y_pred"), CASES)
def test_entity_f1_equals_seqeval_strict(y_true, y_pred):
    assert entity_f1(y_true, y_pred) == seqeval_f1(y_true, y_pred, mode="strict", scheme=IOB2)
    assert get_metric("entity_f1") is METRICS["entity_f1"].fn is entity_f1


def test_entity_f1_by_hand():
    assert entity_f1(*CASES[1]) == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    # case 2: gold PER(0-2) LOC(3) ORG(0-3); predicted PER(0) ORG(3) ORG(0-2): nothing matches exactly
    assert entity_f1(*CASES[2]) == 0.0


def test_strict_mode_differs_from_default_for_i_without_b():
    y_true, y_pred = [["B-PER", "I-PER", "O"]], [["I-PER", "I-PER", "O"]]
    assert seqeval_f1(y_true, y_pred) == 1.0  # default (conlleval-like) mode: I-PER starts an entity
    assert entity_f1(y_true, y_pred) == 0.0  # strict IOB2: the prediction has no valid entity


def test_no_entities_anywhere_is_zero_without_warning(recwarn):
    assert entity_f1([["O", "O"]], [["O", "O"]]) == 0.0
    assert not recwarn.list


def test_entity_type_f1_by_hand():
    y_true = [["B-PER", "I-PER", "O", "B-LOC", "O", "B-PER"]]
    y_pred = [["B-PER", "I-PER", "O", "B-PER", "O", "B-PER"]]
    per_type = entity_type_f1(y_true, y_pred)
    assert list(per_type) == ["LOC", "PER"]
    # PER: 2 correct of 3 predicted, 2 gold; LOC: 0 of 0 predicted, 1 gold
    assert per_type["PER"] == pytest.approx({"precision": 2 / 3, "recall": 1.0, "f1": 0.8, "support": 2})
    assert per_type["LOC"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    assert per_type["PER"]["f1"] == pytest.approx(report["PER"]["f1-score"])


def test_entity_type_table():
    table = entity_type_table({"en": CASES[1], "de": ([["B-ORG"]], [["B-ORG"]])})
    assert table == {"LOC": {"en": 0.0, "de": None}, "ORG": {"en": None, "de": 1.0},
                     "PER": {"en": 1.0, "de": None}}
    assert entity_type_table({"en": CASES[1]}, value="support") == {"LOC": {"en": 1}, "PER": {"en": 1}}


def test_word_accuracy_pools_words_over_sentences():
    y_true = [["NOUN", "VERB", "DET"], ["PROPN"]]
    y_pred = [["NOUN", "NOUN", "DET"], ["NOUN"]]
    assert word_accuracy(y_true, y_pred) == pytest.approx(2 / 4)  # not the mean of per-sentence 2/3 and 0
    assert get_metric("word_accuracy")(y_true, y_true) == 1.0


def test_tagging_input_errors():
    with pytest.raises(ValueError, match="sentence 0 has 2 gold tags but 1"):
        word_accuracy([["A", "B"]], [["A"]])
    with pytest.raises(ValueError, match="sentence 0 has 1 gold tags but 2"):
        entity_f1([["O"]], [["O", "O"]])
    with pytest.raises(ValueError, match="2 sentences but y_pred has 1"):
        entity_f1([["O"], ["O"]], [["O"]])
    with pytest.raises(ValueError, match="zero words"):
        word_accuracy([[]], [[]])


def _random_tags(rng, n):
    tags = np.array(["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG"])
    gold = [list(tags[rng.integers(0, len(tags), rng.integers(0, 8))]) for _ in range(n)]
    pred = [[g if rng.random() < 0.7 else str(tags[rng.integers(0, len(tags))]) for g in s] for s in gold]
    return gold, pred


@pytest.mark.parametrize("seed", range(5))
def test_decompositions_equal_the_metrics(seed):
    gold, pred = _random_tags(np.random.default_rng(seed), 40)
    assert entity_f1_from_stats(entity_stats(gold, pred).sum(axis=0)) == pytest.approx(entity_f1(gold, pred))
    assert ratio_from_stats(word_accuracy_stats(gold, pred).sum(axis=0)) == pytest.approx(word_accuracy(gold, pred))
