"""The docstring examples of the deployment modules run as written."""

from __future__ import annotations

import pkgutil

import pytest

import xlt.deploy

from tests.helpers import run_doctests

MODULES = sorted(m.name for m in pkgutil.walk_packages(xlt.deploy.__path__, prefix="xlt.deploy."))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    assert run_doctests(name) == 0
