"""The docstring examples of every corpus module run as written."""

from __future__ import annotations

import pkgutil

import pytest
from conftest import run_doctests

import xlt.corpus

MODULES = sorted(m.name for m in pkgutil.walk_packages(xlt.corpus.__path__, prefix="xlt.corpus."))


@pytest.mark.parametrize("name", ["xlt.corpus", *MODULES])
def test_doctests(name):
    assert run_doctests(name) == 0
