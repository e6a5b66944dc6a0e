import pytest

from xlt.errors import ConfigError
from xlt.evaluate.metrics import METRICS, describe_metric, get_metric
from xlt.evaluate.qa_metrics import (
    character_segmentation,
    exact_match,
    exact_match_mlqa,
    mixed_segmentation,
    mlqa_language,
    mlqa_metrics,
    normalize_answer_mlqa,
    normalize_answer_squad,
    qa_f1,
    qa_f1_mlqa,
)


def em(gold, pred):
    return exact_match([gold], [pred])


def f1(gold, pred):
    return qa_f1([gold], [pred])


# --- SQuAD v1.1 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("gold", "pred"), [
    ("The Eiffel Tower", "Eiffel tower"),  # case and article
    ("U.S. Army", "US army"),  # ASCII punctuation removed
    ("an apple", "Apple!"),
    ("  New   York ", "new york"),  # whitespace collapsed
])
def test_squad_exact_match(gold, pred):
    assert em([gold], pred) == 1.0 and f1([gold], pred) == 1.0


def test_squad_f1_by_hand():
    # gold [eiffel, tower], pred [tower, in, paris]: 1 common, P 1/3, R 1/2 -> 2 * (1/6) / (5/6) = 0.4
    assert f1(["Eiffel Tower"], "the tower in Paris") == pytest.approx(0.4)
    # repeated tokens count with multiplicity: gold [new, york, new, york], pred [new, york] -> P 1, R 1/2
    assert f1(["New York, New York"], "New York") == pytest.approx(2 / 3)
    assert f1(["Denver Broncos"], "Carolina Panthers") == 0.0
    assert em(["Eiffel Tower"], "the tower in Paris") == 0.0


def test_squad_best_over_gold_answers_and_mean_over_questions():
    y_true = [["Denver Broncos", "Broncos", "the Broncos"], ["Santa Clara, California", "Levi's Stadium"]]
    y_pred = ["Broncos", "Levi's Stadium in Santa Clara"]
    assert exact_match(y_true, y_pred) == 0.5
    # question 2: best is "Levi's Stadium" -> [levis, stadium] vs 5 predicted tokens: P 2/5, R 1 -> 4/7
    assert qa_f1(y_true, y_pred) == pytest.approx((1.0 + 4 / 7) / 2)
    assert exact_match(["Broncos", "Paris"], ["broncos", "paris"]) == 1.0  # a bare string is one gold answer


def test_squad_keeps_v1_1_quirks():
    assert normalize_answer_squad("«Hallo»") == "«hallo»"  # only ASCII punctuation is removed
    assert em(["the"], "a") == 1.0 and f1(["the"], "a") == 0.0  # both empty: EM 1 but F1 0 in v1.1
    assert f1(["北京大学"], "北京") == 0.0  # whitespace tokens


def test_qa_input_errors():
    with pytest.raises(ValueError, match="no gold answer"):
        exact_match([[]], ["x"])
    with pytest.raises(ValueError, match="2 questions but y_pred has 1"):
        qa_f1([["a"], ["b"]], ["a"])


# --- MLQA -------------------------------------------------------------------------------------------------

def test_mlqa_chinese_character_f1_differs_from_whitespace_f1():
    # gold 北 京 大 学, pred 北 京: P 1, R 0.5 -> 2 * 0.5 * 1 / 1.5
    assert qa_f1_mlqa([["北京大学"]], ["北京"], lang="zh") == pytest.approx(2 / 3)
    assert qa_f1([["北京大学"]], ["北京"]) == 0.0
    assert qa_f1_mlqa([["北京大学"]], ["北京"], lang="en") == 0.0  # whitespace language
    # mixed segmentation: CJK characters one by one, Latin runs split on whitespace; P 1, R 2/6 -> 0.5
    assert qa_f1_mlqa([["北京大学 Peking University"]], ["Peking University"], lang="zh") == pytest.approx(0.5)
    assert mixed_segmentation("北京大学 Peking University") == ["北", "京", "大", "学", "Peking", "University"]
    assert exact_match_mlqa([["北京 大学。"]], ["北京大学"], lang="zh") == 1.0  # spaces and 。 do not matter


def test_mlqa_german_articles():
    assert exact_match_mlqa([["die Katze"]], ["Katze"], lang="de") == 1.0
    assert exact_match_mlqa([["Dem Haus"], ["eines Tages"]], ["Haus", "Tages"], lang="de") == 1.0
    assert exact_match([["die Katze"]], ["Katze"]) == 0.0  # SQuAD only removes English articles
    # "dieser" is not an article: [dieser, hund] vs [hund] -> P 1, R 1/2
    assert qa_f1_mlqa([["dieser Hund"]], ["Hund"], lang="de") == pytest.approx(2 / 3)
    assert normalize_answer_mlqa("Der Hund, der bellt", "de") == "hund bellt"


@pytest.mark.parametrize(("gold", "pred", "lang"), [
    ("«Hallo»", "Hallo", "de"),
    ("„Hallo“", "hallo", "de"),
    ("¿Qué?", "qué", "es"),
    ("los Ángeles", "Ángeles", "es"),
    ("الكتاب", "كتاب", "ar"),  # MLQA replaces ال with a space
    ("những cuốn sách", "cuốn sách", "vi"),
    ("भारत।", "भारत", "hi"),  # danda is Unicode punctuation
    ("the “Eiffel” Tower", "Eiffel Tower", "en"),
])
def test_mlqa_unicode_punctuation_and_articles(gold, pred, lang):
    assert exact_match_mlqa([[gold]], [pred], lang=lang) == 1.0


def test_mlqa_follows_the_official_article_lists():
    assert exact_match_mlqa([["lo mismo"]], ["mismo"], lang="es") == 0.0  # "lo" is not in MLQA's Spanish list
    assert normalize_answer_mlqa("مالك", "ar") == "م ك"  # MLQA's Arabic rule also splits words containing ال


def test_mlqa_language_codes():
    for code in ("zh", "zh-CN", "zho_Hans", "cmn_Hant"):
        assert mlqa_language(code).mlqa == "zh" and mlqa_language(code).segmentation == "mixed"
    assert mlqa_language("deu_Latn").mlqa == "de" and mlqa_language("arz_Arab").mlqa == "ar"
    assert qa_f1_mlqa([["北京大学"]], ["北京"], lang="zho_Hans") == pytest.approx(2 / 3)
    fr = mlqa_language("fra_Latn")
    assert (fr.mlqa, fr.segmentation, fr.articles) == (None, "whitespace", ())
    assert "not an MLQA language" in fr.description
    assert exact_match_mlqa([["la tour"]], ["tour"], lang="fr") == 0.0  # no articles outside MLQA
    assert exact_match_mlqa([["«la tour»"]], ["la tour"], lang="fr") == 1.0  # punctuation still removed


def test_character_segmentation_for_other_scripts_without_spaces():
    assert mlqa_language("jpn_Jpan").segmentation == "characters" == mlqa_language("th").segmentation
    assert qa_f1_mlqa([["東京大学"]], ["東京"], lang="ja") == pytest.approx(2 / 3)
    assert character_segmentation("กิน") == ["กิ", "น"]  # the vowel sign stays with its consonant
    assert character_segmentation("東京タワー is tall") == ["東", "京", "タ", "ワ", "ー", "is", "tall"]
    assert mlqa_language("kor_Hang").segmentation == "whitespace"


def test_mlqa_metrics_factory_and_registry():
    bound = mlqa_metrics("zh")
    assert set(bound) == {"exact_match_mlqa", "qa_f1_mlqa"} <= set(METRICS)
    assert bound["qa_f1_mlqa"]([["北京大学"]], ["北京"]) == pytest.approx(2 / 3)
    assert get_metric("qa_f1_mlqa", "zh")([["北京大学"]], ["北京"]) == pytest.approx(2 / 3)
    with pytest.raises(TypeError):
        get_metric("qa_f1_mlqa")([["x"]], ["x"])  # the language is required
    assert get_metric("qa_f1", "zh") is qa_f1  # language-independent metrics ignore lang
    with pytest.raises(ConfigError, match="qa_f1_mlqa"):
        get_metric("mlqa_f1")


def test_descriptions_name_the_normalisation():
    assert "SQuAD v1.1" in describe_metric("exact_match") and "MLQA" in describe_metric("qa_f1_mlqa")
    assert describe_metric("qa_f1_mlqa", "zh").startswith("MLQA zh:")
    assert "mixed segmentation" in describe_metric("qa_f1_mlqa", "zh")
    assert "der/die/das" in describe_metric("exact_match_mlqa", "de")
