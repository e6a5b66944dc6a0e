"""The YAML config plumbing shared by train, pretrain and tune configs."""

from __future__ import annotations

import doctest

import pytest

import xlt.config_file
from xlt.config_file import apply_overrides, read_yaml
from xlt.errors import ConfigError


def test_doctests():
    assert doctest.testmod(xlt.config_file).failed == 0


def test_read_yaml_names_the_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        read_yaml(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n")
    with pytest.raises(ConfigError, match=r"bad.yaml:2: not valid YAML: .*\(while parsing a flow sequence on line 1"):
        read_yaml(bad)
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="holds a mapping"):
        read_yaml(listed)


def test_overrides_parse_yaml_values_and_refuse_bad_keys():
    raw = apply_overrides({"a": {"b": 1}}, ["a.b=2.5", "a.c=[1, 2]", "d=true", "e={x: 1}"])
    assert raw == {"a": {"b": 2.5, "c": [1, 2]}, "d": True, "e": {"x": 1}}
    with pytest.raises(ConfigError, match="expected KEY=VALUE"):
        apply_overrides({}, ["novalue"])
    with pytest.raises(ConfigError, match="is not a section"):
        apply_overrides({"a": 1}, ["a.b=2"])
