"""open_storage: workers started together race to create the tables; the loser retries instead of failing."""

from __future__ import annotations

import optuna
import pytest
import sqlalchemy.exc

from xlt.errors import ConfigError
from xlt.tune import storage


def _flaky(errors: list[Exception]):
    calls = []

    def make(url, engine_kwargs=None):
        calls.append(url)
        if errors:
            raise errors.pop(0)
        return "storage"

    return make, calls


@pytest.mark.parametrize("message", [
    'duplicate key value violates unique constraint "pg_type_typname_nsp_index"',  # PostgreSQL
    "table studies already exists",  # SQLite
    "UNIQUE constraint failed: alembic_version.version_num",  # SQLite, the schema version row
])
def test_the_table_creation_race_is_retried(monkeypatch, message):
    error = sqlalchemy.exc.IntegrityError("CREATE TABLE studies", {}, Exception(message))
    make, calls = _flaky([error])
    monkeypatch.setattr(optuna.storages, "RDBStorage", make)
    monkeypatch.setattr(storage.time, "sleep", lambda s: None)
    assert storage.open_storage("postgresql+psycopg2://x@127.0.0.1/db") == "storage"
    assert len(calls) == 2


def test_other_database_errors_are_reported_at_once(monkeypatch):
    error = sqlalchemy.exc.OperationalError("connect", {}, Exception("password authentication failed"))
    make, calls = _flaky([error])
    monkeypatch.setattr(optuna.storages, "RDBStorage", make)
    with pytest.raises(ConfigError, match="cannot open the study storage: .*password authentication failed"):
        storage.open_storage("postgresql+psycopg2://x:secret@127.0.0.1/db")
    assert len(calls) == 1
