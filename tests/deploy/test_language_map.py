"""Detected language codes onto a run's own codes (langcodes)."""

from __future__ import annotations

import pytest

from xlt.deploy.serve.language_map import match_language

FLORES = ["eng_Latn", "deu_Latn", "por_Latn", "zho_Hans", "zho_Hant", "srp_Cyrl"]


@pytest.mark.parametrize(("code", "evaluated", "expected"), [
    ("de", FLORES, "deu_Latn"),
    ("pt", FLORES, "por_Latn"),
    ("zh", FLORES, "zho_Hans"),  # no script given: the likely one
    ("zh-Hant", FLORES, "zho_Hant"),
    ("zh", ["eng_Latn", "zho_Hant"], "zho_Hant"),  # the only Chinese evaluated
    ("de", ["en", "de", "fr"], "de"),
    ("deu_Latn", ["en", "de"], "de"),
    ("xx", FLORES, None),  # unknown
    ("fr", FLORES, None),  # known, not evaluated
    (None, FLORES, None),
    ("../x", FLORES, None),
    ("de", [], None),
])
def test_match_language(code, evaluated, expected):
    assert match_language(code, evaluated) == expected
