"""The embedded PostgreSQL of the zero-configuration default, for real: pgserver's PostgreSQL 16 in a
throwaway world-traversable folder under /tmp, started, shared, restarted, and used by the event store."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import psycopg
import pytest

from adapters.embedded_postgres import (
    EmbeddedPostgresError,
    check_data_dir,
    pgdata_of,
    start_embedded_postgres,
    stop_embedded_postgres,
)
from adapters.postgres_schema import migrate
from adapters.postgres_store import PostgresEventStore
from application.eventstore import EventMetadata, NewEvent, StreamState
from bootstrap import resolve_database_url
from settings import Settings, default_data_dir

REPO = Path(__file__).resolve().parent.parent

# Starts the server, proves it answers, reports, then holds on until told to let go.
JOIN = """
import asyncio, json, sys, time
from pathlib import Path
import psycopg
from adapters.embedded_postgres import start_embedded_postgres

url = asyncio.run(start_embedded_postgres(Path(sys.argv[1])))
with psycopg.connect(url) as conn:
    started = conn.execute("SELECT pg_postmaster_start_time()::text, current_database()").fetchone()
print(json.dumps({"url": url, "started": started[0], "database": started[1]}), flush=True)
while not Path(sys.argv[2]).exists():
    time.sleep(0.05)
"""


@asynccontextmanager
async def throwaway_data_dir() -> AsyncIterator[Path]:
    """A folder under /tmp (world-traversable, as pgserver needs when run as root); the server on it is
    stopped and the folder removed afterwards."""
    root = new_data_dir()
    try:
        yield root
    finally:
        with contextlib.suppress(Exception):
            await stop_embedded_postgres(root)
        await asyncio.to_thread(stop_any_server, pgdata_of(root))
        shutil.rmtree(root, ignore_errors=True)


def new_data_dir() -> Path:
    root = Path(tempfile.mkdtemp(prefix="fitcoach-embedded-", dir="/tmp"))
    root.chmod(0o755)
    return root


def stop_any_server(pgdata: Path) -> None:
    """Whatever is still running on `pgdata` (a failed test's leftovers)."""
    if not (pgdata / "postmaster.pid").exists():
        return
    from pgserver._commands import POSTGRES_BIN_PATH

    user = "pgserver" if os.geteuid() == 0 else None
    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-m", "immediate", "-w", "stop"],
        user=user,
        capture_output=True,
        check=False,
    )


def event(n: int) -> NewEvent:
    return NewEvent(
        event_id=uuid.uuid4(),
        type="Tested",
        schema_version=1,
        data={"n": n},
        metadata=EventMetadata(actor="user", command_id=uuid.uuid4(), correlation_id=uuid.uuid4()),
    )


async def postmaster_started(url: str) -> str:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        row = await (await conn.execute("SELECT pg_postmaster_start_time()::text")).fetchone()
    assert row is not None
    return str(row[0])


async def test_the_event_store_migrates_appends_reads_and_listens_on_the_embedded_server() -> None:
    async with throwaway_data_dir() as data_dir:
        url = await start_embedded_postgres(data_dir)
        assert url.startswith("postgresql://postgres@/fitcoach?host=")  # a unix socket, no TCP port
        await migrate(url)
        store = await PostgresEventStore.connect(url, max_size=2)
        try:
            live = store.subscribe_all()
            appended = await store.append("workout-embedded", [event(1), event(2)], StreamState.NO_STREAM)
            assert [e.data for e in await store.read_stream("workout-embedded")] == [{"n": 1}, {"n": 2}]
            heard = [await asyncio.wait_for(anext(live), 5) for _ in range(2)]
            assert [e.position for e in heard] == [appended.position - 1, appended.position]
        finally:
            await store.close()

        # Stopped and started again: the same data, and a fresh server process.
        before = await postmaster_started(url)
        await stop_embedded_postgres(data_dir)
        assert not (pgdata_of(data_dir) / "postmaster.pid").exists()
        assert await start_embedded_postgres(data_dir) == url
        assert await postmaster_started(url) != before
        store = await PostgresEventStore.connect(url, max_size=1)
        try:
            assert [e.data for e in await store.read_stream("workout-embedded")] == [{"n": 1}, {"n": 2}]
        finally:
            await store.close()


async def test_two_processes_starting_at_once_share_one_server_and_database() -> None:
    async with throwaway_data_dir() as data_dir:
        release = data_dir / "release"
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-c", JOIN, str(data_dir), str(release), cwd=REPO, stdout=subprocess.PIPE
            )
            for _ in range(2)
        ]
        try:
            assert all(process.stdout is not None for process in processes)
            lines = [
                await asyncio.wait_for(process.stdout.readline(), 60)  # type: ignore[union-attr]
                for process in processes
            ]
            reports = [json.loads(line) for line in lines]
            assert reports[0] == reports[1]  # one URL, one postmaster (same start time)
            assert reports[0]["database"] == "fitcoach"
        finally:
            release.touch()
            assert [await asyncio.wait_for(process.wait(), 30) for process in processes] == [0, 0]
        # The last of them to exit stopped the server.
        assert not (pgdata_of(data_dir) / "postmaster.pid").exists()


async def test_a_process_that_died_without_letting_go_does_not_keep_the_server_forever() -> None:
    async with throwaway_data_dir() as data_dir:
        await start_embedded_postgres(data_dir)
        pgdata = pgdata_of(data_dir)
        record = pgdata / ".handle_pids.json"
        dead = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        record.write_text(json.dumps([*json.loads(record.read_text()), int(dead.stdout)]))
        await stop_embedded_postgres(data_dir)
        assert (pgdata / "postmaster.pid").exists()  # pgserver still counts the dead process as a user

        await start_embedded_postgres(data_dir)  # forgets it
        await stop_embedded_postgres(data_dir)
        assert not (pgdata / "postmaster.pid").exists()


async def test_the_database_url_resolves_to_the_setting_or_else_the_embedded_server() -> None:
    configured = Settings(database_url="postgresql://postgres@db.invalid:5432/fitcoach")
    assert not configured.uses_embedded_postgres
    assert await resolve_database_url(configured) == configured.database_url
    async with throwaway_data_dir() as data_dir:
        embedded = Settings(database_url=None, data_dir=data_dir)
        assert embedded.uses_embedded_postgres
        with pytest.raises(RuntimeError, match="resolve_database_url"):
            _ = embedded.resolved_database_url
        url = await resolve_database_url(embedded)
        assert await resolve_database_url(embedded) == url  # idempotent within a process
        resolved = embedded.model_copy(update={"database_url": url})
        assert resolved.resolved_database_url == url


@pytest.mark.skipif(
    os.geteuid() != 0,
    reason="the home-folder rule exists only for root (pgserver then opens every parent folder); "
    "CI and this machine run as root, so it runs there",
)
def test_as_root_a_data_folder_inside_a_home_folder_is_refused() -> None:
    for inside_a_home in (Path("/root/fitcoach"), Path("/home/someone/fitcoach"), Path.home() / "data"):
        with pytest.raises(EmbeddedPostgresError, match="home folder"):
            check_data_dir(inside_a_home)
    check_data_dir(Path("/var/lib/fitcoach"))
    assert default_data_dir() == Path("/var/lib/fitcoach")


def test_fitcoach_commands_work_with_no_database_configured() -> None:
    root = new_data_dir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("FITCOACH_")}
    env["FITCOACH_DATA_DIR"] = str(root)
    try:
        for command, expected in (
            (["migrate"], "migrated"),
            (["projections", "status"], "workout_plans"),
            (["projections", "rebuild", "workout_plans"], "rebuilt workout_plans"),
        ):
            done = subprocess.run(
                [sys.executable, "-m", "cli", *command],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, done.stderr
            assert expected in done.stdout
        assert not (pgdata_of(root) / "postmaster.pid").exists()  # each command stopped it on exit
    finally:
        stop_any_server(pgdata_of(root))
        shutil.rmtree(root, ignore_errors=True)
