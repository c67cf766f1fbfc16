"""`fitcoach replay import --to kurrentdb`: a PostgreSQL log moved into KurrentDB reads back event for event
(ids, types, versions, data, metadata and the original recorded times; only the positions are KurrentDB's),
and a second run appends nothing. Runs where FITCOACH_KURRENTDB_URL names a server.

KurrentDB's log is shared and cannot be emptied, so the moved log is written with fresh ids each run and
read back stream by stream."""

from __future__ import annotations

import json
import os
import random
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.postgres.store import PostgresEventStore
from application.replay.export import LogExport
from domain.coaching.values import Personality
from tests.projections import migrated_database
from tests.projections.coaching.conversations import Chat, minutes
from tests.projections.users.user_workload import write_user_workload
from tests.replay import fitcoach, lines_of, parsed, write_plans

KURRENTDB_URL_VARIABLE = "FITCOACH_KURRENTDB_URL"

pytestmark = [
    pytest.mark.kurrentdb,
    pytest.mark.skipif(
        not os.environ.get(KURRENTDB_URL_VARIABLE), reason="no KurrentDB server: set FITCOACH_KURRENTDB_URL"
    ),
]


@pytest.fixture
async def source_url() -> AsyncIterator[str]:
    """Users, plans and a coaching chat, every id fresh (the seed is random)."""
    seed = random.getrandbits(64)
    async with migrated_database("fitcoach_replay_kurrent") as url:
        store = await PostgresEventStore.connect(url)
        try:
            await write_user_workload(store, users=3, commands=20, seed=seed)
            await write_plans(store, plans=3, commands=20, seed=seed)
            chat = Chat(store, uuid.uuid4())
            await chat.start(uuid.uuid4(), Personality.CALM, None, minutes(0))
            await chat.send(uuid.uuid4(), "a leg day, please", "c-1", minutes(1))
        finally:
            await store.close()
        yield url


def import_to_kurrentdb(url: str, path: Path) -> dict[str, int]:
    completed = fitcoach(url, "replay", "import", str(path), "--to", "kurrentdb", "--json")
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert isinstance(report, dict)
    return report


def without_position(event: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in event.items() if key != "position"}


async def stream_from_kurrentdb(stream: str) -> list[dict[str, Any]]:
    from adapters.kurrentdb.store import KurrentEventStore

    store = KurrentEventStore(os.environ[KURRENTDB_URL_VARIABLE])
    try:
        text = "".join([chunk async for chunk in LogExport(store, stream=stream).chunks()])
    finally:
        await store.close()
    return [without_position(json.loads(line)) for line in text.splitlines()]


async def original_times_in_kurrentdb(stream: str) -> list[str]:
    """The original recorded times as KurrentDB holds them, in its own metadata."""
    from kurrentdbclient import AsyncKurrentDBClient

    client = AsyncKurrentDBClient(os.environ[KURRENTDB_URL_VARIABLE])
    await client.connect()
    try:
        recorded = await client.get_stream(stream)
    finally:
        await client.close()
    return [json.loads(event.metadata)["original_recorded_at"] for event in recorded]


def export_source(url: str, path: Path) -> list[bytes]:
    completed = fitcoach(url, "replay", "export", stdout=path)
    assert completed.returncode == 0, completed.stderr
    return lines_of(path)


async def test_a_postgres_log_moves_to_kurrentdb_event_for_event_and_a_rerun_appends_nothing(
    source_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    events = [parsed(line) for line in export_source(source_url, path)]
    streams = sorted({event["stream"] for event in events})

    first = import_to_kurrentdb(source_url, path)
    second = import_to_kurrentdb(source_url, path)

    assert first == {
        "lines": len(events),
        "appended": len(events),
        "already_present": 0,
        "streams": len(streams),
    }
    assert second == {
        "lines": len(events),
        "appended": 0,
        "already_present": len(events),
        "streams": len(streams),
    }
    for stream in streams:
        in_file = [without_position(event) for event in events if event["stream"] == stream]
        assert await stream_from_kurrentdb(stream) == in_file
        assert [datetime.fromisoformat(stamp) for stamp in await original_times_in_kurrentdb(stream)] == [
            datetime.fromisoformat(event["recorded_at"]) for event in in_file
        ]
