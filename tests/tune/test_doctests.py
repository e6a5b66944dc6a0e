"""The docstring examples of the tuning modules (and of the tracking / distributed helpers) run as written."""

from __future__ import annotations

import pkgutil

import pytest

import xlt.tune

from tests.helpers import run_doctests

MODULES = sorted(m.name for m in pkgutil.walk_packages(xlt.tune.__path__, prefix="xlt.tune."))


@pytest.mark.parametrize("name", [*MODULES, "xlt.finetune.distributed", "xlt.finetune.tracking"])
def test_doctests(name):
    assert run_doctests(name) == 0
