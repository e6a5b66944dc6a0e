"""The docstring examples of every corpus module run as written."""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil

import pytest

import xlt.corpus

MODULES = sorted(m.name for m in pkgutil.walk_packages(xlt.corpus.__path__, prefix="xlt.corpus."))


@pytest.mark.parametrize("name", ["xlt.corpus", *MODULES])
def test_doctests(name, monkeypatch):
    environ = dict(os.environ)
    try:
        result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    finally:
        os.environ.clear()
        os.environ.update(environ)
    assert result.failed == 0
