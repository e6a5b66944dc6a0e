"""Detected or given language codes matched onto the run's own codes (``de`` -> ``deu_Latn``), with langcodes.

The detector speaks ISO 639-1 (``de``, ``zh``); runs name languages as their data does (FLORES ``deu_Latn``,
XNLI ``de``). langcodes reads both as BCP 47 tags and :func:`langcodes.closest_match` picks the nearest
evaluated one. A code without a script (the detector's ``zh``) goes to the likely script (``zho_Hans``, as
langcodes fills in Simplified) when the run has it, else to the one evaluated code of that language
(``zho_Hant`` alone); a code with no evaluated language of its own maps to ``None``.

>>> match_language("de", ["eng_Latn", "deu_Latn"])
'deu_Latn'
>>> match_language("zh", ["zho_Hant", "zho_Hans"])
'zho_Hans'
>>> match_language("zh", ["zho_Hant"])
'zho_Hant'
>>> match_language("pt", ["en", "de"]) is None
True
"""

from __future__ import annotations

import functools

#: how far a match may be (langcodes' distance: 0 same, 4 a regional variant, 10+ another script or language)
MAX_DISTANCE = 9


def _tag(code: str) -> str | None:
    """A run's code as a BCP 47 tag (underscores as in ``deu_Latn`` become hyphens); None when unreadable."""
    import langcodes

    try:
        return langcodes.Language.get(code.replace("_", "-")).to_tag()
    except (ValueError, LookupError):  # langcodes raises LanguageTagError (a ValueError) for a malformed tag
        return None


@functools.lru_cache(maxsize=4096)
def _match(code: str, evaluated: tuple[str, ...]) -> str | None:
    import langcodes

    tags = {}
    for own in evaluated:
        tag = _tag(own)
        if tag is not None:
            tags.setdefault(tag, own)  # the first of two codes for one language wins
    wanted = _tag(code)
    if wanted is None or not tags:
        return None
    found, distance = langcodes.closest_match(wanted, list(tags), max_distance=MAX_DISTANCE)
    if distance <= MAX_DISTANCE:
        return tags[found]
    same = [own for tag, own in tags.items() if langcodes.Language.get(tag).language == langcodes.Language.get(
        wanted).language]  # another script of the same language: only when there is just one to choose
    return same[0] if len(same) == 1 else None


def match_language(code: str | None, evaluated: list[str] | tuple[str, ...]) -> str | None:
    """The evaluated language code that ``code`` (ISO 639-1, BCP 47 or a run's own) names; None if none."""
    if not code:
        return None
    return _match(code, tuple(evaluated))


def evaluation(code: str | None, languages: dict[str, dict[str, float]]) -> dict:
    """The language fields of a prediction in ``code``: whether and as what it was evaluated, its scores."""
    matched = match_language(code, list(languages))
    return {"language_evaluated": matched is not None, "evaluated_language": matched,
            "language_scores": languages[matched] if matched is not None else None}
