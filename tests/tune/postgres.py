"""A throw-away PostgreSQL server on loopback for the shared-study test (Debian's ``postgresql`` package).

initdb + pg_ctl on a fresh temporary folder, a free port on 127.0.0.1, trust authentication for one
user. PostgreSQL refuses to run as root: as root the server runs as the ``postgres`` system user that the
Debian package creates. ``make postgres`` installs the package where it is missing.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def server_binaries() -> dict[str, str] | None:
    """Paths of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin; None if absent."""
    found = {name: shutil.which(name) for name in ("initdb", "pg_ctl")}
    if all(found.values()):
        return found  # type: ignore[return-value]
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name),
                         reverse=True):
        if all(os.access(Path(bindir) / n, os.X_OK) for n in ("initdb", "pg_ctl")):
            return {n: str(Path(bindir) / n) for n in ("initdb", "pg_ctl")}
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server(user: str = "xlt") -> Iterator[str]:
    """Start a server, yield its SQLAlchemy URL (database ``postgres``), stop it and delete its files."""
    binaries = server_binaries()
    if binaries is None:
        raise FileNotFoundError("initdb/pg_ctl not found")
    root = Path(tempfile.mkdtemp(prefix="xlt-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()
    run = lambda *cmd: subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True, timeout=120)  # noqa: E731
    try:
        run(binaries["initdb"], "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8")
        run(binaries["pg_ctl"], "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "60", "start",
            "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=50")
        try:
            yield f"postgresql+psycopg2://{user}@127.0.0.1:{port}/postgres"
        finally:
            run(binaries["pg_ctl"], "-D", str(data), "-m", "fast", "-w", "stop")
    except subprocess.CalledProcessError as err:
        raise RuntimeError(f"{err.cmd}: {err.stderr or err.stdout}") from err
    finally:
        shutil.rmtree(root, ignore_errors=True)
