"""Language identification for texts sent without a language: py3langid, normalised probabilities.

py3langid (a maintained port of langid.py, 97 languages, ISO 639-1 codes) runs in well under a
millisecond per text, so it runs in the request handler without holding up the event loop.
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str | None, float]:
    """``(language code, probability)``; ``(None, 0.0)`` for a text without a single letter."""
    if not any(c.isalpha() for c in text):
        return None, 0.0
    lang, prob = _identifier().classify(text)
    return lang, float(prob)
