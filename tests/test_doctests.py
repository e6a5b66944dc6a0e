"""Every docstring example of every ``xlt`` module runs as written (one test per module, named by it).

ELLIPSIS and NORMALIZE_WHITESPACE are on; the environment an example changes is put back afterwards
(``tests.helpers.run_doctests``). A module whose import needs an optional dependency that is not
installed skips with the dependency's name.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import xlt

from tests.helpers import run_doctests


def xlt_modules() -> list[str]:
    """``xlt`` and every module under it.

    ``pkgutil.walk_packages`` only descends into folders with an ``__init__.py``; ``xlt.finetune`` and
    ``xlt.model`` are namespace packages, so their modules are added from the files beside them.
    """
    names = {"xlt", *(m.name for m in pkgutil.walk_packages(xlt.__path__, "xlt."))}
    for root in map(Path, xlt.__path__):
        for path in root.rglob("*.py"):
            parts = ("xlt", *path.relative_to(root).with_suffix("").parts)
            names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


MODULES = xlt_modules()


def test_the_walk_finds_every_module():
    assert {"xlt", "xlt.corpus.split", "xlt.finetune.train", "xlt.model.spec", "xlt.deploy.serve.app"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, record_property) -> None:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name and err.name.split(".")[0] != "xlt":
            pytest.skip(f"{name} needs {err.name}, which is not installed (an optional dependency)")
        raise
    failed, attempted, skipped, report = run_doctests(name)
    record_property("doctest_examples", (attempted, skipped))  # summed up at the end (tests/conftest.py)
    assert failed == 0, f"{failed} of {attempted} examples of {name} failed:\n{report}"
