"""The docstring examples of the tuning modules (and of the tracking / distributed helpers) run as written."""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil

import pytest

import xlt.tune

MODULES = sorted(m.name for m in pkgutil.walk_packages(xlt.tune.__path__, prefix="xlt.tune."))


@pytest.mark.parametrize("name", [*MODULES, "xlt.finetune.distributed", "xlt.finetune.tracking"])
def test_doctests(name):
    environ = dict(os.environ)
    try:
        result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    finally:
        os.environ.clear()
        os.environ.update(environ)
    assert result.failed == 0
