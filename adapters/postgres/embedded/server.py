"""Embedded PostgreSQL, the zero-configuration default when `FITCOACH_DATABASE_URL` is unset.

The `pgserver` package ships PostgreSQL 16 binaries; the data lives in `<data dir>/pgdata`, and the server
listens on a unix socket in that folder only (no TCP port, so it never clashes with another PostgreSQL).

- Idempotent: the first start runs initdb; later ones reuse the data. A server already running on that data
  (another process of this machine: `fitcoach serve` beside `fitcoach project`) is joined, not started
  twice; starts and stops are serialised across processes by a file lock. The `fitcoach` database is
  created if missing (a concurrent creation by another process is fine).
- Lifetime: each process that uses the server is recorded (`pgdata/.handle_pids.json`), and the last one
  to let go stops it (at the latest at exit). A process that dies without letting go (SIGKILL, or
  SIGTERM's default action, which uvicorn re-raises after its graceful shutdown) is dropped from the record
  the next time a process starts or lets go, so it never keeps the server running.
- As root, PostgreSQL runs as the system user `pgserver` (its own group, no other), which owns pgdata.
  No folder outside the data folder has its mode changed (pgserver's own start code would open every parent
  of the data and of its programs to everyone, so it is not used; only its programs are). A data folder
  that user cannot reach is refused, with the folder named, and so is a data folder inside a home folder.
  If the user cannot reach pgserver's programs (a virtualenv in /root), they are copied into the data
  folder (`embedded_postgres_programs`).
- The socket is always in pgdata: a data folder whose socket path would be too long for a unix socket is
  refused. The server trusts every local connection, so its socket must never sit in a shared folder.
  The defaults are /var/lib/fitcoach for root and the XDG data folder (~/.local/share/fitcoach) for
  anyone else.

Nothing starts at import time: `start_embedded_postgres` is called by `bootstrap.resolve_database_url`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from adapters.postgres.embedded.access import (
    EmbeddedPostgresError,
    check_data_dir,
    check_socket_path,
    make_data_dir,
    system_user,
)
from adapters.postgres.embedded.cluster import let_go, use_server

log = logging.getLogger("adapters.postgres.embedded.server")
DATABASE = "fitcoach"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


async def start_embedded_postgres(data_dir: Path, *, database: str = DATABASE) -> str:
    """Start (or join) the embedded server on `data_dir`, create `database` if needed; its conninfo URL,
    e.g. `postgresql://postgres@/fitcoach?host=%2Fvar%2Flib%2Ffitcoach%2Fpgdata&port=5432`."""
    if not _IDENTIFIER.fullmatch(database):
        raise ValueError("the embedded database name is a lowercase SQL identifier")
    return await asyncio.to_thread(_start, Path(data_dir), database)


async def stop_embedded_postgres(data_dir: Path) -> None:
    """Let go of this process's use of the server; it stops if no other process uses it. Optional: the
    same happens when the process exits."""
    await asyncio.to_thread(let_go, _resolved(data_dir), pgdata_of(data_dir))


def pgdata_of(data_dir: Path) -> Path:
    return _resolved(data_dir) / "pgdata"


def _resolved(data_dir: Path) -> Path:
    return Path(data_dir).expanduser().resolve()


def _start(data_dir: Path, database: str) -> str:
    # Every refusal comes before anything is created or started.
    check_data_dir(data_dir)
    pgdata = pgdata_of(data_dir)
    check_socket_path(pgdata)
    user = system_user()
    make_data_dir(pgdata.parent, user)
    try:
        postmaster = use_server(pgdata.parent, pgdata, user)
    except EmbeddedPostgresError:
        raise
    except Exception as error:
        raise EmbeddedPostgresError(
            f"could not start the embedded PostgreSQL in {pgdata} ({type(error).__name__}: {error});"
            f" its log is {pgdata / 'log'}"
        ) from error
    host, port = quote(str(postmaster.socket_dir), safe=""), postmaster.port
    _create_database(f"postgresql://postgres@/postgres?host={host}&port={port}", database)
    log.info("embedded PostgreSQL %s running on %s (pid %s)", _version(pgdata), pgdata, postmaster.pid)
    return f"postgresql://postgres@/{database}?host={host}&port={port}"


def _create_database(admin_url: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone():
            return
        # Another process may create it meanwhile.
        with contextlib.suppress(pg_errors.DuplicateDatabase, pg_errors.UniqueViolation):
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def _version(pgdata: Path) -> str:
    try:
        return (pgdata / "PG_VERSION").read_text().strip()
    except OSError:
        return "?"
