"""Transfer risk from texts alone: how the model's tokenizer treats each test language next to the source
language, measured before any label is read (``transfer_risk.json`` in a run folder, ``xlt risk``).

Per language, on a seeded sample of at most ``sample`` texts (one fast-tokenizer batch call per language):

* ``pieces_per_word``: tokenizer pieces (no special tokens, no input prefix) per whitespace-separated word,
  and ``ratio_to_source``, that over the source texts' pieces per word;
* ``unk_rate``: the share of pieces that are the tokenizer's unknown token (0 for a tokenizer without one);
* ``novel_script_share``: the share of letters (Unicode category ``L*``; digits, punctuation and spaces are not
  counted) written in a Unicode script that no letter of the source texts is written in. Letters of the
  Common, Inherited and Unknown scripts are left out. The script is the Unicode Script property from
  ``fontTools.unicodedata`` (a dependency of xlt, and of matplotlib): the first word of a
  character's name is only a guess at it (``CJK``, ``FULLWIDTH``, ``MODIFIER``).

The risk score puts each signal on one scale, where 1 is its threshold, and takes the worst of the three:

    risk = max(novel_script_share / 0.5,  unk_rate / 0.01,  max(0, ratio_to_source - 1) / 0.5)

and a language is **flagged** when ``risk >= 1``, i.e. when any one of these holds:

* novel-script share >= 0.5: at least half the letters are in scripts fine-tuning never showed, so most of the
  input is made of pieces whose embeddings the task never touched and transfer rests on the pretrained
  alignment alone;
* unk rate >= 1%: a multilingual vocabulary yields almost no unknown pieces on text it covers; one piece in a
  hundred collapsing into the same vector means whole characters of the language are missing from it;
* pieces-per-word ratio >= 1.5: words cut into half as many pieces again as the source's are mostly fragments
  that carry little meaning alone, and inputs get longer; tokenizer fertility tracks downstream quality
  (Rust et al., 2021, "How good is your tokenizer?").

The thresholds are round numbers from these arguments, not fitted to any data set (:class:`RiskThresholds`
changes them). For scripts written without spaces (Chinese, Japanese, Thai) a whitespace "word" is a phrase or
a whole sentence, so pieces per word and its ratio are large by construction; with a source written with
spaces such languages show a novel script too.

After scoring, :meth:`TransferRisk.with_scores` adds how well the risk predicted the scores: the Spearman rank
correlation between risk score and score over the target languages, and how many of the ``k`` lowest-scoring
target languages are among the ``k`` flagged ones.

>>> class Split:  # a stand-in tokenizer: one piece per 3 characters of each word, no unknown token
...     unk_token_id = None
...     def __call__(self, texts, **kwargs):
...         return {"input_ids": [[0] * sum(-(-len(w) // 3) for w in t.split()) for t in texts]}
>>> risk = transfer_risk(Split(), ["the cat sat", "a dog ran"], {"de": ["die Katze saß"], "ru": ["кошка сидела"]},
...                      source_languages=["en"])
>>> de, ru = risk.languages["de"], risk.languages["ru"]
>>> de.pieces_per_word, de.ratio_to_source, de.novel_script_share, de.risk_score, de.flagged
(1.3333, 1.3333, 0.0, 0.6667, False)
>>> ru.novel_scripts, ru.novel_script_share, ru.risk_score, ru.reasons
({'Cyrillic': 11}, 1.0, 2.0, ['novel script', 'pieces per word'])
>>> risk.with_scores({"de": 0.8, "ru": 0.5}, metric="accuracy").agreement.flagged_among_lowest
1
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from xlt.evaluate.metrics import metric_label

#: a report's section title for the table of :meth:`TransferRisk.table`
TABLE_TITLE = "Transfer risk"
#: texts read per language unless told otherwise: enough for stable rates, fast on millions of rows
DEFAULT_SAMPLE = 2000
#: Unicode scripts that are not one writing system's own (shared punctuation, combining marks, unassigned)
SHARED_SCRIPTS = frozenset({"Zyyy", "Zinh", "Zzzz"})


class RiskThresholds(BaseModel):
    """Where each signal reaches a risk of 1 (the flag); see the module docstring for why these values."""

    model_config = ConfigDict(extra="forbid")

    novel_script_share: float = Field(0.5, gt=0)
    unk_rate: float = Field(0.01, gt=0)
    pieces_per_word_ratio: float = Field(1.5, gt=1)


class LanguageRisk(BaseModel):
    """The tokenizer's view of one language's texts (or of the source texts) and the risk it implies."""

    model_config = ConfigDict(extra="forbid")

    texts: int  # sampled texts read
    words: int  # whitespace-separated
    pieces: int  # tokenizer pieces, without special tokens
    pieces_per_word: float
    ratio_to_source: float
    unk_pieces: int
    unk_rate: float
    letters: int  # letters of a script of their own (not Common/Inherited)
    scripts: dict[str, int]  # script name -> letters, most first
    novel_scripts: dict[str, int]  # the scripts of ``scripts`` the source texts never show
    novel_script_share: float
    risk_score: float
    flagged: bool
    reasons: list[str] = Field(default_factory=list)  # the signals at or past their threshold


class RiskAgreement(BaseModel):
    """How well the risk predicted a finished run's scores over its target languages."""

    model_config = ConfigDict(extra="forbid")

    metric: str  # the primary metric's name (``accuracy``)
    scores: dict[str, float]  # target language -> score
    spearman: float | None  # rank correlation of risk score and score; negative: riskier languages scored lower
    p_value: float | None  # None (both) with fewer than 3 languages or a constant column
    flagged: list[str]  # flagged target languages
    lowest: list[str]  # the len(flagged) lowest-scoring target languages, lowest first
    flagged_among_lowest: int

    def sentence(self) -> str:
        """One sentence for the report: the correlation and the flag's hits among the lowest scores."""
        n = len(self.scores)
        if self.spearman is None:
            rho = "the Spearman correlation is undefined (fewer than 3 languages, or no spread in risk or score)"
        else:
            rho = (f"the Spearman correlation between risk score and {metric_label(self.metric)} is "
                   f"ρ = {self.spearman:+.2f} (p = {self.p_value:.2g}; negative means riskier languages scored lower)")
        k = len(self.flagged)
        if k == 0:
            flag = "no language is flagged"
        elif k == n:
            flag = "every language is flagged, so the flag does not single any out"
        elif k == 1:
            flag = (f"the one flagged language ({self.flagged[0]}) {'is' if self.flagged_among_lowest else 'is not'} "
                    f"the lowest-scoring one ({self.lowest[0]})")
        else:
            flag = (f"{self.flagged_among_lowest} of the {k} flagged languages ({', '.join(self.flagged)}) "
                    f"{'is' if self.flagged_among_lowest == 1 else 'are'} among the {k} lowest-scoring "
                    f"({', '.join(self.lowest)})")
        return f"Over the {n} target language{'s' if n != 1 else ''}, {rho}, and {flag}."


class TransferRisk(BaseModel):
    """``transfer_risk.json``: the risk of every test language, from texts alone, and (after scoring) how well
    it predicted the scores."""

    model_config = ConfigDict(extra="forbid")

    tokenizer: str  # the model's name, or the tokenizer's name or path
    unk_token: str | None
    source_languages: list[str]
    sample: int  # texts read per language at most
    seed: int
    thresholds: RiskThresholds
    source: LanguageRisk  # the source texts themselves (the reference: ratio 1, no novel script)
    languages: dict[str, LanguageRisk]
    agreement: RiskAgreement | None = None

    def flagged(self) -> list[str]:
        return [lang for lang, risk in self.languages.items() if risk.flagged]

    def rows(self) -> list[tuple[str, LanguageRisk]]:
        """(row label, risk): the source texts first, then every language, its source languages marked."""
        sources = set(self.source_languages)
        return [(f"{'+'.join(self.source_languages) or 'source'} (source texts)", self.source),
                *((f"{lang} (source)" if lang in sources else lang, r) for lang, r in self.languages.items())]

    def table(self) -> dict[str, dict[str, str]]:
        """Row -> column -> text for the report (values formatted here: they are not scores x100)."""
        return {label: {"pieces/word": f"{r.pieces_per_word:.2f}", "ratio to source": f"{r.ratio_to_source:.2f}",
                        "unk %": f"{100 * r.unk_rate:.2f}", "novel-script %": f"{100 * r.novel_script_share:.1f}",
                        "risk score": f"{r.risk_score:.2f}", "flag": "yes" if r.flagged else "no"}
                for label, r in self.rows()}

    def note(self) -> str:
        """What the table means, and, once scored, the sentence of :meth:`RiskAgreement.sentence`."""
        t = self.thresholds
        text = (f"Measured on the texts alone, before any label was read (at most {self.sample:,} texts per "
                f"language). Flag: novel-script share ≥ {100 * t.novel_script_share:g}%, unk rate ≥ "
                f"{100 * t.unk_rate:g}% or pieces/word ratio ≥ {t.pieces_per_word_ratio:g}; the risk score is "
                f"the largest of the three as a multiple of its threshold.")
        return f"{text} {self.agreement.sentence()}" if self.agreement else text

    def with_scores(self, scores: Mapping[str, float], *, metric: str) -> TransferRisk:
        """A copy with :attr:`agreement` over the target languages that have a score (the source languages
        left out)."""
        return self.model_copy(update={"agreement": risk_agreement(self, scores, metric)})


def sample_indices(total: int, k: int, seed: int = 0) -> list[int]:
    """At most ``k`` of ``range(total)``, a seeded random choice in ascending order (all of them if ``total <= k``).

    >>> sample_indices(5, 10), sample_indices(1000, 3, seed=1) == sample_indices(1000, 3, seed=1)
    ([0, 1, 2, 3, 4], True)
    """
    if total <= k:
        return list(range(total))
    return sorted(random.Random(seed).sample(range(total), k))


def sampled_risk_texts(task, rows, sample: int = DEFAULT_SAMPLE, seed: int = 0) -> list[str] | None:
    """``task.risk_texts`` of a seeded sample of at most ``sample`` of ``rows`` (a Dataset); None where the task
    has no transfer risk (its ``risk_texts`` gives None)."""
    return task.risk_texts(rows.select(sample_indices(len(rows), sample, seed)))


def risk_texts_by_language(task, by_language: Mapping[str, Any], sample: int = DEFAULT_SAMPLE,
                           seed: int = 0) -> dict[str, list[str]] | None:
    """language -> :func:`sampled_risk_texts` of its rows (language -> Dataset); None where the task has none."""
    targets = {}
    for lang, rows in by_language.items():
        texts = sampled_risk_texts(task, rows, sample, seed)
        if texts is None:
            return None
        targets[lang] = texts
    return targets


@cache
def script_of(char: str) -> str:
    """The ISO 15924 code of ``char``'s Unicode script (``Latn``, ``Cyrl``, ``Hani``; ``Zyyy`` for common).

    >>> [script_of(c) for c in "aЖ中ひ1"]
    ['Latn', 'Cyrl', 'Hani', 'Hira', 'Zyyy']
    """
    from fontTools import unicodedata as fontunicode

    return fontunicode.script(char)


@cache
def script_name(code: str) -> str:
    """``Cyrl`` -> ``Cyrillic``."""
    from fontTools import unicodedata as fontunicode

    return fontunicode.script_name(code, default=code)


def letter_scripts(texts: Sequence[str]) -> Counter:
    """Script code -> number of letters in ``texts`` (letters of shared scripts left out).

    >>> dict(letter_scripts(["Ab 12, Жж!", "ー"]))  # ー, a letter of the Common script, is left out
    {'Latn': 2, 'Cyrl': 2}
    """
    import unicodedata

    scripts: Counter = Counter()
    for char, count in Counter("".join(texts)).items():  # count characters in C, classify each distinct one once
        if unicodedata.category(char).startswith("L") and (code := script_of(char)) not in SHARED_SCRIPTS:
            scripts[code] += count
    return scripts


def _measure(tokenizer, texts: Sequence[str]) -> tuple[int, int, int, Counter]:
    """(words, pieces, unknown pieces, letters per script) of ``texts``."""
    texts = [str(t) for t in texts]
    words = sum(len(t.split()) for t in texts)
    ids = tokenizer(texts, add_special_tokens=False, return_attention_mask=False, verbose=False)["input_ids"] \
        if texts else []
    pieces = sum(len(row) for row in ids)
    unk_id = getattr(tokenizer, "unk_token_id", None)
    unk = 0 if unk_id is None else sum(row.count(unk_id) for row in ids)
    return words, pieces, unk, letter_scripts(texts)


def _language_risk(measured: tuple[int, int, int, Counter], n_texts: int, source_ppw: float | None,
                   source_scripts: set[str], thresholds: RiskThresholds) -> LanguageRisk:
    words, pieces, unk, scripts = measured
    ppw = pieces / words if words else 0.0
    ratio = ppw / source_ppw if source_ppw else 1.0
    letters = sum(scripts.values())
    novel = {code: n for code, n in scripts.items() if code not in source_scripts}
    novel_share = sum(novel.values()) / letters if letters else 0.0
    unk_rate = unk / pieces if pieces else 0.0
    signals = {"novel script": novel_share / thresholds.novel_script_share,
               "unknown pieces": unk_rate / thresholds.unk_rate,
               "pieces per word": max(0.0, ratio - 1) / (thresholds.pieces_per_word_ratio - 1)}
    score = max(signals.values())
    return LanguageRisk(
        texts=n_texts, words=words, pieces=pieces, pieces_per_word=round(ppw, 4), ratio_to_source=round(ratio, 4),
        unk_pieces=unk, unk_rate=round(unk_rate, 6), letters=letters,
        scripts={script_name(c): n for c, n in scripts.most_common()},
        novel_scripts={script_name(c): n for c, n in sorted(novel.items(), key=lambda item: -item[1])},
        novel_script_share=round(novel_share, 4), risk_score=round(score, 4), flagged=score >= 1 - 1e-9,
        reasons=[name for name, value in signals.items() if value >= 1 - 1e-9])


def transfer_risk(tokenizer, source_texts: Sequence[str], targets: Mapping[str, Sequence[str]], *,
                  source_languages: Sequence[str] = (), sample: int = DEFAULT_SAMPLE, seed: int = 0,
                  thresholds: RiskThresholds | None = None, tokenizer_name: str | None = None) -> TransferRisk:
    """The :class:`TransferRisk` of every language of ``targets`` (language -> its texts) against the
    ``source_texts`` (the fine-tuning texts), with ``tokenizer`` (a transformers tokenizer; a fast one tokenizes
    each language's sample in one batch call). Each side is sampled to at most ``sample`` texts with ``seed``.
    ``tokenizer_name`` (e.g. the model spec's name) is recorded; default the tokenizer's own name or path."""
    thresholds = thresholds or RiskThresholds()

    def sampled(texts: Sequence[str]) -> list[str]:
        return [texts[i] for i in sample_indices(len(texts), sample, seed)]

    source_sample = sampled(source_texts)
    source_measured = _measure(tokenizer, source_sample)
    words, pieces = source_measured[0], source_measured[1]
    source_ppw = pieces / words if words else None
    source_scripts = set(source_measured[3])
    source = _language_risk(source_measured, len(source_sample), source_ppw, source_scripts, thresholds)
    languages = {}
    for lang, texts in targets.items():
        chosen = sampled(texts)
        languages[lang] = _language_risk(_measure(tokenizer, chosen), len(chosen), source_ppw, source_scripts,
                                         thresholds)
    return TransferRisk(
        tokenizer=tokenizer_name or str(getattr(tokenizer, "name_or_path", "") or type(tokenizer).__name__),
        unk_token=getattr(tokenizer, "unk_token", None), source_languages=list(source_languages), sample=sample,
        seed=seed, thresholds=thresholds, source=source, languages=languages)


def risk_agreement(risk: TransferRisk, scores: Mapping[str, float], metric: str) -> RiskAgreement:
    """Spearman's rank correlation of risk score and ``scores`` over the scored target languages, and how many
    of the ``k`` lowest-scoring of them are among the ``k`` flagged ones."""
    from scipy.stats import spearmanr

    sources = set(risk.source_languages)
    langs = [lang for lang in risk.languages if lang in scores and lang not in sources]
    values = {lang: float(scores[lang]) for lang in langs}
    flagged = [lang for lang in langs if risk.languages[lang].flagged]
    lowest = sorted(langs, key=lambda lang: (values[lang], lang))[:len(flagged)]
    rho = p = None
    risks = [risk.languages[lang].risk_score for lang in langs]
    if len(langs) >= 3 and len(set(risks)) > 1 and len(set(values.values())) > 1:
        result = spearmanr(risks, [values[lang] for lang in langs])
        rho, p = float(result.statistic), float(result.pvalue)
    return RiskAgreement(metric=metric, scores=values, spearman=rho, p_value=p, flagged=flagged, lowest=lowest,
                         flagged_among_lowest=len(set(flagged) & set(lowest)))


def target_scores(results: Mapping[str, Any], system: str = "xlt") -> dict[str, float]:
    """Target language -> ``system``'s primary score, from a :func:`~xlt.evaluate.scores.score_systems` result
    (``metrics.json``).

    >>> from xlt.evaluate.report.table import SAMPLE
    >>> target_scores(SAMPLE)
    {'de': 0.7}
    """
    primary = results["primary_metric"]
    languages = results["systems"][system].get("languages", {})
    return {lang: float(languages[lang][primary]) for lang in results.get("target_languages", [])
            if languages.get(lang, {}).get(primary) is not None}
