"""A PostgreSQL cluster of the test's own (initdb + pg_ctl as the `postgres` OS user, on a free port),
so that a test can restart PostgreSQL without disturbing the shared server."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(os.environ.get("FITCOACH_PG_BIN", "/usr/lib/postgresql/15/bin"))


class Cluster:
    def __init__(self, base: Path, port: int) -> None:
        self.base = base
        self.port = port
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "immediate")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} -c fsync=off"
        _as_postgres(
            str(BIN / "pg_ctl"), action, "-D", str(self.base / "data"), "-l", str(self.base / "log"),
            "-w", "-t", "30", "-o", options, *extra,
        )  # fmt: skip


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    owner = pwd.getpwnam("postgres")
    base = Path(tempfile.mkdtemp(prefix="fitcoach-pg-"))
    os.chown(base, owner.pw_uid, owner.pw_gid)
    try:
        _as_postgres(
            str(BIN / "initdb"), "-D", str(base / "data"), "-A", "trust", "-U", "postgres", "--no-sync"
        )
        cluster = Cluster(base, _free_port())
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _as_postgres(*command: str) -> None:
    prefix = [] if os.geteuid() == pwd.getpwnam("postgres").pw_uid else ["runuser", "-u", "postgres", "--"]
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
