"""Extractive QA metrics: exact match and token F1, with SQuAD v1.1 or MLQA answer normalisation.

``y_true`` holds one list of gold answers per question (a bare string counts as one answer),
``y_pred`` one predicted string per question. Each question scores the best value over its gold
answers; the metric is the mean over questions, as a fraction (the official scripts print x100).

Two normalisations:

* **SQuAD v1.1** (``exact_match``, ``qa_f1``), as in the official ``evaluate-v1.1.py``: lowercase,
  drop ASCII punctuation (``string.punctuation``), drop the English articles a/an/the, split on
  whitespace.
* **MLQA** (``exact_match_mlqa``, ``qa_f1_mlqa``, language-dependent), as in the official
  ``mlqa_evaluation_v1.py`` of facebookresearch/MLQA: lowercase, drop every Unicode punctuation
  character (categories ``P*``) and ``string.punctuation``, drop the language's articles, then split
  on whitespace, or for Chinese with MLQA's *mixed segmentation* (each character in U+4E00..U+9FA5
  a token, runs of other characters split on whitespace). Languages outside MLQA's seven are an xlt
  extension (see :func:`mlqa_language`): no article removal, and for languages written without
  spaces (Japanese, Thai, Lao, Khmer, Burmese, Tibetan, ...) every character of those scripts is a
  token (combining marks stay with their base character).

>>> round(qa_f1([["the Eiffel Tower"]], ["Eiffel tower in Paris"]), 3)
0.667
>>> qa_f1_mlqa([["北京大学"]], ["北京"], lang="zh") > qa_f1([["北京大学"]], ["北京"]) == 0.0
True
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Answers = Sequence[str] | str  # the gold answers of one question

# --- SQuAD v1.1 --------------------------------------------------------------------------------------

_ASCII_PUNCT = frozenset(string.punctuation)


def normalize_answer_squad(text: str) -> str:
    """SQuAD v1.1: lowercase, drop ASCII punctuation, drop a/an/the, collapse whitespace.

    >>> normalize_answer_squad("The  Eiffel-Tower!")
    'eiffeltower'
    """
    text = "".join(ch for ch in text.lower() if ch not in _ASCII_PUNCT)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


# --- MLQA -----------------------------------------------------------------------------------------------

MLQA_LANGUAGES = ("en", "es", "de", "ar", "hi", "vi", "zh")
# Articles exactly as mlqa_evaluation_v1.py removes them (hi and zh: none; ar: see _remove_articles).
MLQA_ARTICLES: dict[str, tuple[str, ...]] = {
    "en": ("a", "an", "the"),
    "es": ("un", "una", "unos", "unas", "el", "la", "los", "las"),
    "hi": (),
    "vi": ("của", "là", "cái", "chiếc", "những"),
    "de": ("ein", "eine", "einen", "einem", "eines", "einer", "der", "die", "das", "den", "dem", "des"),
    "ar": ("ال",),
    "zh": (),
}
_ISO3_TO_MLQA = {"eng": "en", "spa": "es", "deu": "de", "ger": "de", "hin": "hi", "vie": "vi",
                 "zho": "zh", "chi": "zh", "cmn": "zh",
                 # Arabic: the macrolanguage, Modern Standard Arabic and the FLORES-200 varieties
                 **dict.fromkeys(("ara", "arb", "acm", "acq", "aeb", "ajp", "apc", "ars", "ary", "arz"), "ar")}
# Languages and scripts written without spaces between words (xlt extension beyond MLQA's zh).
_NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo", "dz", "yue", "wuu", "lzh", "hak", "nan",
                                 "jpn", "tha", "lao", "khm", "mya", "bod", "dzo", "shn"})
_NO_SPACE_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Hira", "Kana", "Thai", "Laoo", "Khmr", "Mymr",
                               "Tibt"})
_MLQA_CJK = re.compile(r"[\u4e00-\u9fa5]")  # MLQA's test for a Chinese character, kept as is
_NO_SPACE_CHAR = re.compile(
    "[\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f"  # Myanmar
    "\u1780-\u17ff\u19e0-\u19ff"  # Khmer
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b"  # CJK radicals, ideographic marks
    "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"  # Han
)


@dataclass(frozen=True)
class MLQALanguage:
    """How MLQA normalisation treats a language code: the rules used and a description for reports."""

    code: str  # the code as given
    mlqa: str | None  # one of MLQA_LANGUAGES, or None outside MLQA
    segmentation: str  # "whitespace", "mixed" (MLQA's Chinese rule) or "characters" (xlt extension)

    @property
    def articles(self) -> tuple[str, ...]:
        return MLQA_ARTICLES[self.mlqa] if self.mlqa else ()

    @property
    def description(self) -> str:
        parts = ["lowercase", "remove Unicode punctuation"]
        if self.mlqa == "ar":
            parts.append("replace every 'ال' with a space (MLQA's Arabic rule)")
        elif self.articles:
            parts.append("remove articles " + "/".join(self.articles))
        else:
            parts.append("no article removal")
        parts.append({"whitespace": "whitespace tokens",
                      "mixed": "MLQA mixed segmentation (each CJK character a token)",
                      "characters": "each character of a script written without spaces a token"}[self.segmentation])
        origin = f"MLQA {self.mlqa}" if self.mlqa else f"MLQA-style, {self.code} is not an MLQA language"
        return f"{origin}: " + ", ".join(parts)


@functools.lru_cache(maxsize=512)
def mlqa_language(lang: str) -> MLQALanguage:
    """Resolve a language code (``zh``, ``zh-CN``, ``deu_Latn``, ``jpn_Jpan``, ...) to its MLQA rules.

    >>> mlqa_language("zho_Hans")
    MLQALanguage(code='zho_Hans', mlqa='zh', segmentation='mixed')
    >>> mlqa_language("tha_Thai").segmentation, mlqa_language("kor_Hang").segmentation
    ('characters', 'whitespace')
    """
    parts = [p for p in re.split(r"[-_]", lang.strip()) if p]
    if not parts:
        raise ValueError(f"empty language code {lang!r}")
    base = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    mlqa = base if base in MLQA_LANGUAGES else _ISO3_TO_MLQA.get(base)
    if mlqa is not None:
        segmentation = "mixed" if mlqa == "zh" else "whitespace"
    elif base in _NO_SPACE_LANGUAGES or script in _NO_SPACE_SCRIPTS:
        segmentation = "characters"
    else:
        segmentation = "whitespace"
    return MLQALanguage(lang, mlqa, segmentation)


def _is_mlqa_punct(ch: str) -> bool:
    # MLQA's PUNCT set: every character whose Unicode category starts with "P", plus string.punctuation
    return ch in _ASCII_PUNCT or unicodedata.category(ch).startswith("P")


def _remove_articles(text: str, mlqa: str | None) -> str:
    if mlqa == "ar":
        # MLQA's pattern, kept verbatim: the first branch can never match, so the effect is that
        # every occurrence of "ال" (not only the word-initial article) becomes a space.
        return re.sub(r"\sال^|ال", " ", text)
    articles = MLQA_ARTICLES.get(mlqa, ()) if mlqa else ()
    if not articles:
        return text
    return re.sub(r"\b(" + "|".join(articles) + r")\b", " ", text)


def _segment(text: str, is_own_token: Callable[[str], bool], attach_marks: bool) -> list[str]:
    tokens: list[str] = []
    run = ""
    for ch in text:
        if attach_marks and tokens and not run and unicodedata.category(ch).startswith("M") and ch.strip():
            tokens[-1] += ch  # a combining mark stays with the character before it
        elif is_own_token(ch):
            tokens += run.split()
            run = ""
            tokens.append(ch)
        else:
            run += ch
    return tokens + run.split()


def mixed_segmentation(text: str) -> list[str]:
    """MLQA's Chinese tokenisation: each char in U+4E00..U+9FA5 (or punctuation) a token, other runs split on spaces.

    >>> mixed_segmentation("北京大学 in 2024")
    ['北', '京', '大', '学', 'in', '2024']
    """
    return _segment(text, lambda ch: bool(_MLQA_CJK.match(ch)) or _is_mlqa_punct(ch), attach_marks=False)


def character_segmentation(text: str) -> list[str]:
    """xlt's extension for other scripts without spaces: each Han/kana/Thai/Lao/Khmer/Myanmar/Tibetan char a token.

    >>> character_segmentation("東京タワー is")
    ['東', '京', 'タ', 'ワ', 'ー', 'is']
    """
    return _segment(text, lambda ch: bool(_NO_SPACE_CHAR.match(ch)), attach_marks=True)


def mlqa_tokens(text: str, lang: str) -> list[str]:
    """The normalised tokens MLQA's F1 compares: ``normalize_answer_mlqa(text, lang).split()``."""
    info = mlqa_language(lang)
    text = "".join(ch for ch in text.lower() if not _is_mlqa_punct(ch))
    text = _remove_articles(text, info.mlqa)
    if info.segmentation == "mixed":
        return mixed_segmentation(text)
    if info.segmentation == "characters":
        return character_segmentation(text)
    return text.split()


def normalize_answer_mlqa(text: str, lang: str) -> str:
    """MLQA's ``normalize_answer(s, lang)``: the normalised tokens joined by single spaces.

    >>> normalize_answer_mlqa("«Der Hallo-Welt»", "de"), normalize_answer_mlqa("北京，大学", "zh")
    ('hallowelt', '北 京 大 学')
    """
    return " ".join(mlqa_tokens(text, lang))


# --- per-question scores --------------------------------------------------------------------------------


def _token_f1(pred_tokens: list[str], gold_tokens: list[str]) -> float:
    common = Counter(pred_tokens) & Counter(gold_tokens)
    same = sum(common.values())
    if same == 0:  # SQuAD v1.1 / MLQA: also 0 when both are empty
        return 0.0
    precision, recall = same / len(pred_tokens), same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def _gold_list(answers: Answers, i: int) -> list[str]:
    if isinstance(answers, str):
        return [answers]
    answers = list(answers)
    if not answers:
        raise ValueError(f"question {i} has no gold answer")
    return answers


def _check_lengths(y_true: Sequence, y_pred: Sequence) -> None:
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} questions but y_pred has {len(y_pred)}")
    if len(y_true) == 0:
        raise ValueError("cannot score zero questions")


def _scores(y_true: Sequence[Answers], y_pred: Sequence[str], normalize: Callable[[str], list[str]],
            f1: bool) -> np.ndarray:
    _check_lengths(y_true, y_pred)
    out = np.empty(len(y_true))
    for i, (answers, pred) in enumerate(zip(y_true, y_pred, strict=True)):
        p = normalize(pred)
        golds = [normalize(g) for g in _gold_list(answers, i)]
        out[i] = max(_token_f1(p, g) for g in golds) if f1 else float(any(p == g for g in golds))
    return out


def _squad_tokens(text: str) -> list[str]:
    return normalize_answer_squad(text).split()


def exact_match_scores(y_true: Sequence[Answers], y_pred: Sequence[str], lang: str | None = None) -> np.ndarray:
    """Per-question exact match (0/1), SQuAD v1.1 normalisation, or MLQA's when ``lang`` is given."""
    return _scores(y_true, y_pred, _normalizer(lang), f1=False)


def f1_scores(y_true: Sequence[Answers], y_pred: Sequence[str], lang: str | None = None) -> np.ndarray:
    """Per-question token F1, SQuAD v1.1 normalisation, or MLQA's when ``lang`` is given."""
    return _scores(y_true, y_pred, _normalizer(lang), f1=True)


def _normalizer(lang: str | None) -> Callable[[str], list[str]]:
    return _squad_tokens if lang is None else functools.partial(mlqa_tokens, lang=lang)


# --- the registry metrics -------------------------------------------------------------------------------


def exact_match(y_true: Sequence[Answers], y_pred: Sequence[str]) -> float:
    """Share of questions whose normalised prediction equals a normalised gold answer (SQuAD v1.1).

    >>> exact_match([["The Eiffel Tower"], ["Paris", "in Paris"]], ["Eiffel tower", "France"])
    0.5
    """
    return float(exact_match_scores(y_true, y_pred).mean())


def qa_f1(y_true: Sequence[Answers], y_pred: Sequence[str]) -> float:
    """Mean over questions of the best token F1 against any gold answer (SQuAD v1.1).

    >>> qa_f1([["a red apple"]], ["the red apples"])
    0.5
    """
    return float(f1_scores(y_true, y_pred).mean())


def exact_match_mlqa(y_true: Sequence[Answers], y_pred: Sequence[str], *, lang: str) -> float:
    """Exact match with MLQA's normalisation for ``lang`` (the answers' language).

    >>> exact_match_mlqa([["«Hallo»"], ["die Katze"]], ["Hallo", "Katze"], lang="de")
    1.0
    """
    return float(exact_match_scores(y_true, y_pred, lang).mean())


def qa_f1_mlqa(y_true: Sequence[Answers], y_pred: Sequence[str], *, lang: str) -> float:
    """Token F1 with MLQA's normalisation and segmentation for ``lang``.

    >>> round(qa_f1_mlqa([["北京大学"]], ["北京"], lang="zh"), 3)
    0.667
    """
    return float(f1_scores(y_true, y_pred, lang).mean())


def mlqa_metrics(lang: str) -> dict[str, Callable[[Sequence[Answers], Sequence[str]], float]]:
    """``exact_match_mlqa`` and ``qa_f1_mlqa`` bound to ``lang``: plain (y_true, y_pred) -> float metrics.

    >>> mlqa_metrics("zh")["qa_f1_mlqa"]([["北京大学"]], ["北京大学"])
    1.0
    """
    return {"exact_match_mlqa": functools.partial(exact_match_mlqa, lang=lang),
            "qa_f1_mlqa": functools.partial(qa_f1_mlqa, lang=lang)}
