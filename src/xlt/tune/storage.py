"""Where a study lives: SQLite inside the study folder by default, or any SQLAlchemy URL.

Several workers (processes or machines) share a study by giving the same ``--study NAME --storage URL``,
e.g. ``postgresql+psycopg2://user@host:5432/db``. SQLite works for several processes on one machine
(a lock timeout lets them queue); it is not for several machines (network file systems lock badly).

>>> default_storage(Path("runs/x-tune"))
'sqlite:///runs/x-tune/study.db'
>>> display_url("postgresql://me:secret@db:5432/xlt")
'postgresql://me:***@db:5432/xlt'
"""

from __future__ import annotations

import time
from pathlib import Path

from xlt.errors import ConfigError

#: what a storage says when another worker created the same tables a moment before (lower case)
RACE_MESSAGES = ("exist", "duplicate key", "unique constraint failed")


def default_storage(study_dir: Path) -> str:
    return f"sqlite:///{Path(study_dir).as_posix()}/study.db"


def open_storage(url: str):
    """An Optuna RDB storage for ``url``; a clear error when the database cannot be reached."""
    import optuna
    import sqlalchemy.exc

    engine_kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {"pool_pre_ping": True}
    attempts = 5
    for attempt in range(attempts):
        try:
            return optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs)
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.IntegrityError) as err:
            # Workers started together race to create the tables: SQLite says "already exists" or "UNIQUE
            # constraint failed: alembic_version.version_num", PostgreSQL "duplicate key value violates unique
            # constraint pg_type_typname_nsp_index". The loser tries again.
            if attempt == attempts - 1 or not any(s in str(err).lower() for s in RACE_MESSAGES):
                raise ConfigError(f"--storage {display_url(url)}: cannot open the study storage: {err}") from err
            time.sleep(1 + attempt)
        except (sqlalchemy.exc.SQLAlchemyError, ModuleNotFoundError, ValueError) as err:
            raise ConfigError(f"--storage {display_url(url)}: cannot open the study storage: {err}") from err
    raise AssertionError("unreachable")


def display_url(url: str) -> str:
    """``url`` with its password masked, for logs and reports."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a SQLAlchemy URL: shown as given (open_storage reports the error)
        return url
