"""The embedded PostgreSQL server itself, in a throwaway world-traversable folder under /tmp: started,
used by the event store, restarted on the same data, and shared by processes that start it at once."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg

from adapters.postgres.embedded.server import pgdata_of, start_embedded_postgres, stop_embedded_postgres
from adapters.postgres.schema import migrate
from adapters.postgres.store import PostgresEventStore
from application.eventstore import EventMetadata, NewEvent, StreamState
from tests.adapters.postgres_embedded.embedded_postgres_dirs import throwaway_data_dir

REPO = Path(__file__).resolve().parents[3]

# Starts the server, proves it answers, reports, then holds on until told to let go.
JOIN = """
import asyncio, json, sys, time
from pathlib import Path
import psycopg
from adapters.postgres.embedded.server import start_embedded_postgres

url = asyncio.run(start_embedded_postgres(Path(sys.argv[1])))
with psycopg.connect(url) as conn:
    started = conn.execute("SELECT pg_postmaster_start_time()::text, current_database()").fetchone()
print(json.dumps({"url": url, "started": started[0], "database": started[1]}), flush=True)
while not Path(sys.argv[2]).exists():
    time.sleep(0.05)
"""


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


async def test_a_process_that_died_without_letting_go_does_not_keep_the_server_running() -> None:
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
        assert not (pgdata / "postmaster.pid").exists()  # the dead process is no user: this one was the last

        record.write_text(json.dumps([int(dead.stdout)]))
        await start_embedded_postgres(data_dir)
        assert json.loads(record.read_text()) == [os.getpid()]  # forgotten when starting too
        await stop_embedded_postgres(data_dir)
        assert not (pgdata / "postmaster.pid").exists()
