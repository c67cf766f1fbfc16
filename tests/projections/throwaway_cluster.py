"""A PostgreSQL cluster of the test's own (initdb + pg_ctl on a free port), so that a test can restart
PostgreSQL without disturbing the shared server. The programs are those in FITCOACH_PG_BIN, else the
machine's PostgreSQL 15, else pgserver's; as root they run as the `postgres` OS user, or where there is
none as the user that runs the embedded PostgreSQL (`pgserver`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adapters.postgres.embedded.access import SystemUser, system_user
from adapters.postgres.embedded.programs import programs_for
from tests.servers import PG_BIN_VARIABLE, free_port

MACHINE_BIN = Path("/usr/lib/postgresql/15/bin")


class Cluster:
    def __init__(self, base: Path, port: int, bin_folder: Path, user: SystemUser | None) -> None:
        self.base = base
        self.port = port
        self._bin = bin_folder
        self._user = user
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "immediate")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} -c fsync=off"
        _run_as(
            self._user, str(self._bin / "pg_ctl"), action, "-D", str(self.base / "data"),
            "-l", str(self.base / "log"), "-w", "-t", "30", "-o", options, *extra,
        )  # fmt: skip


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    user = _cluster_user()
    base = Path(tempfile.mkdtemp(prefix="fitcoach-pg-"))
    if user is not None:
        base.chmod(0o755)  # pgserver's programs may be copied in here, for that user to run
        os.chown(base, user.uid, user.gid)
    try:
        bin_folder = _bin_folder(base, user)
        _run_as(
            user,
            str(bin_folder / "initdb"),
            "-D",
            str(base / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        )
        cluster = Cluster(base, free_port(), bin_folder, user)
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _cluster_user() -> SystemUser | None:
    """As root (PostgreSQL refuses to run as root), `postgres` if the machine has it, else `pgserver`;
    None for anyone else, who runs the cluster as themselves."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        return system_user()
    return SystemUser("postgres", entry.pw_uid, entry.pw_gid)


def _bin_folder(base: Path, user: SystemUser | None) -> Path:
    if os.environ.get(PG_BIN_VARIABLE):
        return Path(os.environ[PG_BIN_VARIABLE])
    if (MACHINE_BIN / "pg_ctl").is_file():
        return MACHINE_BIN
    return programs_for(base, user).path("pg_ctl").parent


def _run_as(user: SystemUser | None, *command: str) -> None:
    prefix = [] if user is None else ["runuser", "-u", user.name, "--"]
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)
