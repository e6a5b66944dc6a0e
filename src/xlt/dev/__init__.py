"""Tools for working on xlt itself (``python -m xlt.dev.imports``)."""
