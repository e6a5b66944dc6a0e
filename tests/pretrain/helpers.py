"""Helpers of the pretraining tests: tiny monolingual and parallel corpora in the tiny model's words."""

from tests.helpers import COLOURS, THINGS

#: A few sentences per language (en/de/fr) for MLM.
MONO = {
    "en": [f"the {c} {t}" for c in COLOURS["en"] for t in THINGS["en"]] + ["a big house", "the small car"],
    "de": [f"die {c} {t}" for c in COLOURS["de"] for t in THINGS["de"]] + ["das haus", "der baum"],
    "fr": [f"la {c} {t}" for c in COLOURS["fr"] for t in THINGS["fr"]] + ["le chat", "la lune"],
}
PAIRS = {
    f"{lang}-en": [(f"{THINGS[lang][i]} {COLOURS[lang][i % 2]}", f"{THINGS['en'][i]} {COLOURS['en'][i % 2]}")
                   for i in range(6)]
    for lang in ("de", "fr")
}
