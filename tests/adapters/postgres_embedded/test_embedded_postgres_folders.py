"""The embedded PostgreSQL changes no folder outside its data folder, and its socket never leaves pgdata.

pgserver's own start code, run as root, adds o+rx to every parent of the data and of its programs, which
opened a virtualenv's home folder to everyone. It also moves a socket whose path is too long into a
world-writable folder, where the server trusts every local connection. Here, pgserver's programs are put
in a private folder (mode 0700, like /root) and imported from there, as from a virtualenv in a home folder.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.postgres.embedded import server as embedded_server
from adapters.postgres.embedded.access import (
    MAX_SOCKET_PATH_BYTES,
    SOCKET_NAME,
    EmbeddedPostgresError,
    SystemUser,
    check_socket_path,
    make_data_dir,
)
from adapters.postgres.embedded.programs import COPIES
from adapters.postgres.embedded.server import pgdata_of, start_embedded_postgres
from tests.adapters.postgres_embedded.embedded_postgres_dirs import (
    new_data_dir,
    stop_any_server,
    throwaway_data_dir,
)

REPO = Path(__file__).resolve().parents[3]
# Starts the server with whatever pgserver PYTHONPATH finds, reports it, and exits (which stops it).
START = """
import asyncio, json, os, sys
from pathlib import Path
import psycopg
from adapters.postgres.embedded.server import start_embedded_postgres

url = asyncio.run(start_embedded_postgres(Path(sys.argv[1])))
with psycopg.connect(url) as conn:
    assert conn.execute("SELECT 1").fetchone() == (1,)
pid = int(Path(sys.argv[1], "pgdata", "postmaster.pid").read_text().split()[0])
fields = (line.split(":") for line in Path(f"/proc/{pid}/status").read_text().splitlines())
ids = {name: value.split() for name, value in fields if name in ("Gid", "Groups")}
print(json.dumps({"url": url, "program": os.readlink(f"/proc/{pid}/exe"), **ids}))
"""


@pytest.fixture
def private_site_packages() -> Iterator[Path]:
    """A copy of pgserver in `<private folder>/site-packages`, the private folder of mode 0700."""
    spec = importlib.util.find_spec("pgserver")
    assert spec is not None
    assert spec.origin is not None
    installed = Path(spec.origin).resolve().parent
    private = Path(tempfile.mkdtemp(prefix="fitcoach-home-", dir="/tmp"))
    try:
        private.chmod(0o700)
        site = private / "site-packages"
        shutil.copytree(installed, site / "pgserver", symlinks=True)
        shutil.copytree(installed.with_name("pgserver.libs"), site / "pgserver.libs", symlinks=True)
        yield site
    finally:
        shutil.rmtree(private, ignore_errors=True)


def modes(root: Path, *, inside: bool) -> dict[Path, int]:
    """The mode of `root`, of each of its parents, and (if `inside`) of everything in it."""
    found = {path: path.lstat().st_mode for path in [root, *root.parents]}
    for top, folders, files in os.walk(root) if inside else ():
        for name in [*folders, *files]:
            found[Path(top, name)] = Path(top, name).lstat().st_mode
    return found


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_programs_in_a_private_folder_are_run_from_a_copy_and_no_outside_folder_changes(
    private_site_packages: Path,
) -> None:
    async with throwaway_data_dir() as data_dir:
        private = private_site_packages.parent
        outside = modes(private, inside=True) | modes(data_dir.parent, inside=False)
        assert stat.S_IMODE(outside[private]) == 0o700
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", START, str(data_dir)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(private_site_packages)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)

        assert modes(private, inside=True) | modes(data_dir.parent, inside=False) == outside
        program = Path(report["program"])
        if os.geteuid() == 0:  # the system user 'pgserver' cannot enter the private folder: a copy
            assert program.is_relative_to(data_dir / COPIES), program
            assert os.stat(program).st_uid == 0  # root's: the system user cannot change what it runs
            assert mode_of(program) == 0o755
            assert report["Gid"][0] != "0"  # its own group
            assert report["Groups"] == []  # and no other
        else:  # the private folder is this user's own: its programs as they are
            assert program.is_relative_to(private_site_packages), program
        assert f"host={str(pgdata_of(data_dir)).replace('/', '%2F')}&" in report["url"]
        assert mode_of(pgdata_of(data_dir)) == 0o700  # the socket's folder
        assert not (pgdata_of(data_dir) / "postmaster.pid").exists()  # stopped when the process exited


async def test_as_root_a_data_folder_below_a_private_folder_is_refused_and_nothing_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if os.geteuid() != 0:
        # Only root hands PostgreSQL to another user; for anyone else, stand in a user of another uid.
        other = SystemUser("someone", uid=os.geteuid() + 4242, gid=os.getegid() + 4242)
        monkeypatch.setattr(embedded_server, "system_user", lambda: other)
    private = Path(tempfile.mkdtemp(prefix="fitcoach-home-", dir="/tmp"))
    data_dir = private / "fitcoach"
    try:
        with pytest.raises(EmbeddedPostgresError, match=f"cannot enter {private} \\(mode 0700\\)"):
            await start_embedded_postgres(data_dir)
        assert mode_of(private) == 0o700
        assert not data_dir.exists()
    finally:
        stop_any_server(pgdata_of(data_dir))
        shutil.rmtree(private, ignore_errors=True)


def test_the_system_user_needs_to_enter_every_folder_above_the_data() -> None:
    someone = SystemUser("someone", uid=os.geteuid() + 4242, gid=os.getegid() + 4242)
    base = new_data_dir()
    private = base / "private"
    try:
        private.mkdir()
        private.chmod(0o700)
        with pytest.raises(EmbeddedPostgresError, match=f"cannot enter {private} .*chmod o\\+x {private}"):
            make_data_dir(private / "fitcoach", someone)
        assert not (private / "fitcoach").exists()
        private.chmod(0o711)  # enterable, not listable, is enough
        make_data_dir(private / "fitcoach" / "data", someone)
        assert mode_of(private / "fitcoach") == 0o755  # created, so that it may
        assert mode_of(private) == 0o711
    finally:
        shutil.rmtree(base, ignore_errors=True)


def pgserver_runtime_folders() -> set[Path]:
    """What pgserver's fallback for a too long socket path would use: folders in its runtime folder."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset (as for root)
        import platformdirs

        runtime = platformdirs.user_runtime_path("python_PostgresServer")
    return set(runtime.iterdir()) if runtime.is_dir() else set()


def data_dir_with_socket_path_of(base: Path, length: int) -> Path:
    return base / ("d" * (length - len(os.fsencode(base / "x" / "pgdata" / SOCKET_NAME)) + 1))


async def test_a_data_folder_too_long_for_the_socket_is_refused_before_anything_starts() -> None:
    base = new_data_dir()
    data_dir = data_dir_with_socket_path_of(base, MAX_SOCKET_PATH_BYTES + 1)
    assert len(os.fsencode(pgdata_of(data_dir) / SOCKET_NAME)) == MAX_SOCKET_PATH_BYTES + 1
    before = pgserver_runtime_folders()
    try:
        with pytest.raises(EmbeddedPostgresError, match="more than the 107 a unix socket path may have"):
            await start_embedded_postgres(data_dir)
        assert not data_dir.exists()
        assert pgserver_runtime_folders() == before
    finally:
        stop_any_server(pgdata_of(data_dir))
        shutil.rmtree(base, ignore_errors=True)


def test_the_socket_path_may_have_up_to_107_bytes_and_no_shell_quote_characters() -> None:
    longest = data_dir_with_socket_path_of(Path("/var/lib"), MAX_SOCKET_PATH_BYTES)
    check_socket_path(longest / "pgdata")
    with pytest.raises(EmbeddedPostgresError, match=f"at most {len(os.fsencode(longest))} bytes"):
        check_socket_path(Path(f"{longest}d") / "pgdata")
    for odd in ('a"b', "a$b", "a`b", "a\\b", "a\nb"):
        with pytest.raises(EmbeddedPostgresError, match="pg_ctl cannot pass on"):
            check_socket_path(Path("/var/lib", odd, "pgdata"))
