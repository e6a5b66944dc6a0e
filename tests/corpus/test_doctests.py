"""The docstring examples of every corpus module run as written."""

from __future__ import annotations

import pkgutil

import pytest

import xlt.corpus

from tests.helpers import run_doctests

MODULES = sorted(m.name for m in pkgutil.walk_packages(xlt.corpus.__path__, prefix="xlt.corpus."))


@pytest.mark.parametrize("name", ["xlt.corpus", *MODULES])
def test_doctests(name):
    assert run_doctests(name) == 0
