"""The package layering of docs/design.md holds: no package imports one above it, no pair imports each other."""

from xlt.dev.imports import main


def test_no_package_imports_a_higher_layer(capsys):
    assert main([]) == 0, capsys.readouterr().out
