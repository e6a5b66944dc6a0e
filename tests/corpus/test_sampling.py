"""Temperature sampling over languages."""

from __future__ import annotations

import pytest

from xlt.corpus.sampling import sample_languages
from xlt.errors import ConfigError


def test_proportional_uniform_and_between():
    sizes = {"en": 900, "sw": 100}
    assert sample_languages(sizes, 1.0) == pytest.approx({"en": 0.9, "sw": 0.1})
    assert sample_languages(sizes, 0.0) == pytest.approx({"en": 0.5, "sw": 0.5})
    p = sample_languages(sizes, 0.3)
    assert 0.1 < p["sw"] < 0.5 and sum(p.values()) == pytest.approx(1.0)
    assert p["en"] / p["sw"] == pytest.approx(9 ** 0.3)


def test_empty_language_gets_zero():
    assert sample_languages({"en": 10, "xx": 0}, 0.0) == {"en": 1.0, "xx": 0.0}


@pytest.mark.parametrize("sizes,alpha", [({}, 1.0), ({"en": 0}, 1.0), ({"en": -1}, 1.0), ({"en": 1}, -0.5)])
def test_bad_input(sizes, alpha):
    with pytest.raises(ConfigError):
        sample_languages(sizes, alpha)
