"""Temperature sampling over languages: p(lang) ∝ n_lang ** alpha.

``alpha=1`` samples in proportion to size, ``alpha=0`` uniformly; values between up-sample small languages.

>>> sample_languages({"en": 100, "de": 25}, alpha=0.5)
{'en': 0.6666666666666666, 'de': 0.3333333333333333}
"""

from __future__ import annotations

from collections.abc import Mapping

from xlt.errors import ConfigError


def sample_languages(sizes: Mapping[str, int], alpha: float) -> dict[str, float]:
    """Sampling probability per language, ``n ** alpha`` normalised to sum 1; empty languages get 0.

    >>> sample_languages({"en": 9, "sw": 1}, alpha=0.0)
    {'en': 0.5, 'sw': 0.5}
    """
    if alpha < 0:
        raise ConfigError(f"alpha must be 0 or more, got {alpha}")
    if any(n < 0 for n in sizes.values()):
        raise ConfigError(f"language sizes must be 0 or more, got {dict(sizes)}")
    weights = {lang: float(n) ** alpha if n > 0 else 0.0 for lang, n in sizes.items()}
    total = sum(weights.values())
    if total <= 0:
        raise ConfigError(f"no language has data to sample from: {dict(sizes)}")
    return {lang: w / total for lang, w in weights.items()}
