"""Embedded PostgreSQL, the zero-configuration default when `FITCOACH_DATABASE_URL` is unset.

The `pgserver` package ships PostgreSQL 16 binaries; the data lives in `<data dir>/pgdata`, and the server
listens on a unix socket in that folder only (no TCP port, so it never clashes with another PostgreSQL).

- Idempotent: the first start runs initdb; later ones reuse the data. A server already running on that data
  (another process of this machine: `fitcoach serve` beside `fitcoach project`) is joined, not started
  twice; pgserver serialises starts across processes with a file lock. The `fitcoach` database is created
  if missing (a concurrent creation by another process is fine).
- Lifetime: pgserver records each process that uses the server (`pgdata/.handle_pids.json`) and the last
  one to exit stops it (atexit). A process that dies without running atexit (SIGKILL, or SIGTERM's default
  action, which is what uvicorn re-raises after its graceful shutdown) stays recorded, and the server keeps
  running after the others exit: harmless, the next start joins it, and forgets the dead processes so that
  the last live one stops it again.
- As root, pgserver runs PostgreSQL as a system user `pgserver` that it creates, gives it the data folder,
  and adds o+rx to every parent folder of the data and of its own binaries. So the data folder must sit in
  folders that may become world-traversable: inside a home folder it is refused here. The default is
  /var/lib/fitcoach for root, the XDG data folder (~/.local/share/fitcoach) for anyone else.

Nothing starts at import time: `start_embedded_postgres` is called by `bootstrap.resolve_database_url`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

if TYPE_CHECKING:
    from pgserver.postgres_server import PostgresServer

log = logging.getLogger("adapters.embedded_postgres")
DATABASE = "fitcoach"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_lock = threading.Lock()  # pgserver's per-process registry is not thread-safe


class EmbeddedPostgresError(Exception):
    code = "EMBEDDED_POSTGRES"


async def start_embedded_postgres(data_dir: Path, *, database: str = DATABASE) -> str:
    """Start (or join) the embedded server on `data_dir`, create `database` if needed; its conninfo URL,
    e.g. `postgresql://postgres@/fitcoach?host=%2Fvar%2Flib%2Ffitcoach%2Fpgdata&port=5432`."""
    if not _IDENTIFIER.fullmatch(database):
        raise ValueError("the embedded database name is a lowercase SQL identifier")
    return await asyncio.to_thread(_start, Path(data_dir), database)


async def stop_embedded_postgres(data_dir: Path) -> None:
    """Let go of this process's use of the server; it stops if no other process uses it. Optional: the
    same happens when the process exits."""
    await asyncio.to_thread(_stop, Path(data_dir))


def pgdata_of(data_dir: Path) -> Path:
    return Path(data_dir).expanduser().resolve() / "pgdata"


def check_data_dir(data_dir: Path) -> None:
    """Refuse, as root, a data folder inside a home folder (pgserver would open up its parents)."""
    if os.geteuid() != 0:
        return
    resolved = Path(data_dir).expanduser().resolve()
    homes = {Path("/root"), Path("/home"), Path.home().resolve()} - {Path("/")}
    if any(home == resolved or home in resolved.parents for home in homes):
        raise EmbeddedPostgresError(
            f"FITCOACH_DATA_DIR={resolved} is inside a home folder: run as root, the embedded PostgreSQL runs"
            " as the system user 'pgserver' and would make every parent folder world-traversable;"
            " choose a folder such as /var/lib/fitcoach, or set FITCOACH_DATABASE_URL"
        )


def _start(data_dir: Path, database: str) -> str:
    check_data_dir(data_dir)
    pgdata = pgdata_of(data_dir)
    pgdata.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    server = _server(pgdata)
    info = server.get_postmaster_info()
    if info.socket_dir is None or info.port is None:
        raise EmbeddedPostgresError(f"the embedded PostgreSQL in {pgdata} reports no unix socket")
    host, port = quote(str(info.socket_dir), safe=""), info.port
    _create_database(f"postgresql://postgres@/postgres?host={host}&port={port}", database)
    log.info("embedded PostgreSQL %s running on %s (pid %s)", _version(pgdata), pgdata, info.pid)
    return f"postgresql://postgres@/{database}?host={host}&port={port}"


def _server(pgdata: Path) -> PostgresServer:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset (as for root)
        from pgserver.postgres_server import PostgresServer, get_server

    logging.getLogger("pgserver").setLevel(logging.WARNING)  # it logs every command line at INFO
    with _lock:
        try:
            with PostgresServer._lock:  # pgserver's inter-process lock around its record of users
                _forget_dead_processes(pgdata / ".handle_pids.json")
            return get_server(pgdata, cleanup_mode="stop")
        except Exception as error:
            raise EmbeddedPostgresError(
                f"could not start the embedded PostgreSQL in {pgdata} ({type(error).__name__}: {error});"
                f" its log is {pgdata / 'log'}"
            ) from error


def _forget_dead_processes(record: Path) -> None:
    try:
        pids = json.loads(record.read_text())
    except (OSError, ValueError):
        return  # none yet (a fresh data folder)
    alive = [pid for pid in pids if isinstance(pid, int) and _alive(pid)]
    if alive != pids:
        record.write_text(json.dumps(alive))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _create_database(admin_url: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone():
            return
        # Another process may create it meanwhile.
        with contextlib.suppress(pg_errors.DuplicateDatabase, pg_errors.UniqueViolation):
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def _stop(data_dir: Path) -> None:
    from pgserver.postgres_server import PostgresServer

    with _lock:
        # Forgotten here too, so a later start registers this process again even if the server kept
        # running for another one.
        server = PostgresServer._instances.get(pgdata_of(data_dir))
        if server is not None:
            server.cleanup()
            PostgresServer._instances.pop(pgdata_of(data_dir), None)


def _version(pgdata: Path) -> str:
    try:
        return (pgdata / "PG_VERSION").read_text().strip()
    except OSError:
        return "?"
