"""Data paths: expand ``$XLT_DATA``-style variables and fill the ``{lang}`` placeholder.

>>> import os
>>> os.environ["XLT_DEMO_DATA"] = "/data"
>>> expand_env("${XLT_DEMO_DATA}/sib200/{lang}/test.tsv")
'/data/sib200/{lang}/test.tsv'
>>> language_files("/data/xnli/dev-{lang}.tsv", ["de"])
{'de': PosixPath('/data/xnli/dev-de.tsv')}
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Sequence
from pathlib import Path

from xlt.errors import ConfigError, DataError

LANG_PLACEHOLDER = "{lang}"
_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def expand_env(path: str) -> str:
    """Expand ``$VAR``, ``${VAR}`` and ``~``; a variable that is unset or empty is a :class:`ConfigError`.

    >>> expand_env("$NO_SUCH_VARIABLE_XLT/a.tsv")
    Traceback (most recent call last):
    ...
    xlt.errors.ConfigError: environment variable NO_SUCH_VARIABLE_XLT is not set, ...
    """
    for match in _VARIABLE.finditer(path):
        name = match.group(1) or match.group(2)
        if not os.environ.get(name):
            hint = (" Set it to the shared benchmark data folder, e.g. export XLT_DATA=/path/to/shared/data."
                    if name == "XLT_DATA" else "")
            raise ConfigError(f"environment variable {name} is not set, but the data path {path!r} "
                              f"uses it.{hint}")
    return os.path.expanduser(os.path.expandvars(path))


def language_files(template: str, languages: Sequence[str] | None = None) -> dict[str, Path]:
    """Language -> file for a path with ``{lang}``; with no ``languages``, every existing match (sorted).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for lang in ("en", "de"): _ = (d / f"dev-{lang}.tsv").write_text("x")
    >>> sorted(language_files(str(d / "dev-{lang}.tsv")))
    ['de', 'en']
    """
    if LANG_PLACEHOLDER not in template:
        raise ConfigError(f"the path {template!r} has no {LANG_PLACEHOLDER} placeholder")
    if languages is not None:
        return {lang: Path(template.replace(LANG_PLACEHOLDER, lang)) for lang in languages}
    parts = template.split(LANG_PLACEHOLDER)
    pattern = "*".join(glob.escape(part) for part in parts)
    regex = re.escape(parts[0])
    for i, part in enumerate(parts[1:]):
        regex += ("(?P<lang>[^/\\\\]+)" if i == 0 else "(?P=lang)") + re.escape(part)
    found: dict[str, Path] = {}
    for name in sorted(glob.glob(pattern)):
        match = re.fullmatch(regex, name)
        if match and Path(name).is_file():
            found[match.group("lang")] = Path(name)
    if not found:
        raise DataError(f"no file matches (looked for {pattern!r}); check the path and XLT_DATA",
                        path=template)
    return dict(sorted(found.items()))
