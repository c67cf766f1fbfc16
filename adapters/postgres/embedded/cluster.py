"""The embedded PostgreSQL's server process (the postmaster), shared by the processes of this machine that
use one data folder.

- Starts, joins and stops are serialised across processes by a lock on `<data dir>/postgres.lock`.
- Each process that uses the server is recorded in `pgdata/.handle_pids.json`. This is pgserver's record,
  so a server that pgserver started is joined. The last process to let go stops the server, at the latest
  when it exits. Processes that died without letting go (SIGKILL) are dropped from the record whenever it
  is read.
- The server listens on a unix socket in pgdata (mode 0700, owned by whoever runs it) and on no TCP address.
  It is stopped as `pg_ctl stop -m fast` stops it: SIGINT, then wait for postmaster.pid to go.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import functools
import json
import logging
import os
import shlex
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.postgres.embedded.access import EmbeddedPostgresError, SystemUser
from adapters.postgres.embedded.programs import PostgresPrograms, forget_other_copies, programs_for

log = logging.getLogger("adapters.postgres.embedded.server")
RECORD = ".handle_pids.json"
LOCK_FILE = "postgres.lock"
TIMEOUT_SECONDS = 60
_lock = threading.Lock()
_in_use: dict[Path, Callable[[], None]] = {}  # pgdata -> this process's atexit hook for it


@dataclass(frozen=True, slots=True)
class Postmaster:
    pid: int
    socket_dir: Path
    port: int
    status: str

    @classmethod
    def read(cls, pgdata: Path) -> Postmaster | None:
        """From `pgdata/postmaster.pid`, if there is one (its pid may be dead)."""
        try:
            lines = (pgdata / "postmaster.pid").read_text().splitlines()
            return cls(int(lines[0]), Path(lines[4].strip()), int(lines[3]), lines[7].strip())
        except (OSError, IndexError, ValueError):
            return None  # none, or being written


def use_server(data_dir: Path, pgdata: Path, user: SystemUser | None) -> Postmaster:
    """Start the server on `pgdata` (or join the one running) and record this process as one of its users."""
    with _lock, _locked(data_dir):
        postmaster = _running(pgdata)
        if postmaster is None:
            programs = programs_for(data_dir, user)
            _initialise(pgdata, programs, user)
            postmaster = _start(pgdata, programs, user)
            forget_other_copies(data_dir, programs)
        if postmaster.socket_dir != pgdata:
            raise EmbeddedPostgresError(
                f"the PostgreSQL server running on {pgdata} (pid {postmaster.pid}) listens in"
                f" {postmaster.socket_dir}, not in its data folder: stop it, and fitcoach starts it again"
            )
        if pgdata not in _in_use:
            _update_record(pgdata, add=os.getpid())
            hook = functools.partial(let_go, data_dir, pgdata)
            atexit.register(hook)
            _in_use[pgdata] = hook
        return postmaster


def let_go(data_dir: Path, pgdata: Path) -> None:
    """Forget this process as a user of the server; stop the server if no other live process uses it."""
    with _lock:
        hook = _in_use.pop(pgdata, None)
        if hook is None:
            return  # not in use by this process (never started, or already let go)
        atexit.unregister(hook)
        with _locked(data_dir):
            if _update_record(pgdata, remove=os.getpid()):
                return
            postmaster = Postmaster.read(pgdata)
            if postmaster is not None and _alive(postmaster.pid):
                _stop(pgdata, postmaster)


@contextlib.contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    with (data_dir / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _update_record(pgdata: Path, *, add: int | None = None, remove: int | None = None) -> list[int]:
    """The live processes recorded as users, after adding or removing one."""
    record = pgdata / RECORD
    try:
        recorded = json.loads(record.read_text())
    except (OSError, ValueError):
        recorded = []  # none yet
    users = [pid for pid in recorded if isinstance(pid, int) and _alive(pid) and pid != remove]
    if add is not None and add not in users:
        users.append(add)
    if users != recorded:
        record.write_text(json.dumps(users))
    return users


def _running(pgdata: Path) -> Postmaster | None:
    postmaster = Postmaster.read(pgdata)
    if postmaster is None or not _alive(postmaster.pid):
        return None
    return _ready(pgdata)  # started by a process that does not take the lock: wait for it


def _initialise(pgdata: Path, programs: PostgresPrograms, user: SystemUser | None) -> None:
    if (pgdata / "PG_VERSION").exists():
        return
    pgdata.mkdir(mode=0o700, exist_ok=True)
    if user is not None:
        os.chown(pgdata, user.uid, user.gid)
    arguments = ["-D", str(pgdata), "-U", "postgres", "--auth=trust", "--encoding=utf8", "--no-instructions"]
    _run(programs, "initdb", arguments, user, cwd=pgdata.parent)


def _start(pgdata: Path, programs: PostgresPrograms, user: SystemUser | None) -> Postmaster:
    # Passed through /bin/sh by pg_ctl, hence the quoting; -p only names the socket (.s.PGSQL.5432).
    options = f"-p 5432 -h '' -k {shlex.quote(str(pgdata))}"
    log_file = pgdata / "log"
    arguments = ["-D", str(pgdata), "-l", str(log_file), "-o", options, "-w", "-t", str(TIMEOUT_SECONDS)]
    _run(programs, "pg_ctl", [*arguments, "start"], user, cwd=pgdata.parent, log_file=log_file)
    postmaster = _ready(pgdata)
    if postmaster is None:
        raise EmbeddedPostgresError(
            f"the embedded PostgreSQL in {pgdata} stopped while starting, see {log_file}"
        )
    return postmaster


def _ready(pgdata: Path) -> Postmaster | None:
    """The server once ready, or None if it goes away first."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while (postmaster := Postmaster.read(pgdata)) is not None and _alive(postmaster.pid):
        if postmaster.status == "ready":
            return postmaster
        if time.monotonic() > deadline:
            raise EmbeddedPostgresError(
                f"the PostgreSQL server on {pgdata} (pid {postmaster.pid}) has been '{postmaster.status}'"
                f" for {TIMEOUT_SECONDS} s; see {pgdata / 'log'}"
            )
        time.sleep(0.05)
    return None


def _stop(pgdata: Path, postmaster: Postmaster) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(postmaster.pid, signal.SIGINT)  # fast shutdown: roll back open transactions, then stop
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while (pgdata / "postmaster.pid").exists() and _alive(postmaster.pid):
        if time.monotonic() > deadline:
            log.warning("the embedded PostgreSQL in %s did not stop in %s s", pgdata, TIMEOUT_SECONDS)
            return
        time.sleep(0.05)


def _run(
    programs: PostgresPrograms,
    program: str,
    arguments: list[str],
    user: SystemUser | None,
    *,
    cwd: Path,
    log_file: Path | None = None,
) -> None:
    # As root: the system user with its own group and no other (subprocess would keep root's groups).
    as_user: dict[str, Any] = {}
    if user is not None:
        as_user = {"user": user.uid, "group": user.gid, "extra_groups": []}
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PG")}
    # A file, not a pipe: the server started by pg_ctl could hold a pipe open.
    with tempfile.TemporaryFile("w+") as output:
        try:
            subprocess.run(
                [str(programs.path(program)), *arguments],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                env=environment,
                timeout=TIMEOUT_SECONDS + 30,
                check=True,
                **as_user,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            output.seek(0)
            said = output.read()[-2000:].strip()
            see = f"; see {log_file}" if log_file is not None else ""
            raise EmbeddedPostgresError(
                f"{program} failed for the embedded PostgreSQL ({error}): {said}{see}"
            ) from error


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
