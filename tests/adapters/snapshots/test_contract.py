"""The `Snapshots` contract, for every adapter: what is saved loads back equal, newer wins, streams are
kept apart."""

from __future__ import annotations

import uuid
from dataclasses import replace

import psycopg
import pytest

from adapters.postgres.snapshots import PostgresSnapshots
from application.snapshots import RecentCommand, Snapshot, SnapshotsUnavailable


def snapshot(stream: str, version: int = 3, **overrides: object) -> Snapshot:
    base = Snapshot(
        stream=stream,
        stream_version=version,
        position=100 + version,
        last_event_id=uuid.uuid4(),
        state_type="WorkoutPlan",
        schema_version=1,
        state={"name": "Leg day ✓", "pool": [["Squat", 5, 62.5, None, [], True]], "nested": {"a": [1, 2]}},
        recent_commands=tuple(RecentCommand(uuid.uuid4(), v, v) for v in range(1, version + 1)),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def a_stream() -> str:
    return f"workout-{uuid.uuid4()}"


async def test_a_stream_without_a_snapshot_has_none(snapshots):
    assert await snapshots.load(a_stream()) is None


async def test_a_saved_snapshot_loads_back_equal(snapshots):
    saved = snapshot(a_stream())

    await snapshots.save(saved)

    assert await snapshots.load(saved.stream) == saved


async def test_a_snapshot_without_remembered_commands_loads_back_equal(snapshots):
    saved = snapshot(a_stream(), recent_commands=(), state={})

    await snapshots.save(saved)

    assert await snapshots.load(saved.stream) == saved


async def test_a_later_snapshot_replaces_the_stored_one(snapshots):
    stream = a_stream()
    await snapshots.save(snapshot(stream, 3))
    later = snapshot(stream, 5, schema_version=2, state={"other": "shape"})

    await snapshots.save(later)

    assert await snapshots.load(stream) == later


@pytest.mark.parametrize("version", [3, 2])
async def test_a_snapshot_at_the_same_or_an_earlier_version_is_not_kept(snapshots, version):
    stream = a_stream()
    first = snapshot(stream, 3)
    await snapshots.save(first)

    await snapshots.save(snapshot(stream, version))

    assert await snapshots.load(stream) == first


async def test_streams_are_kept_apart(snapshots):
    one, other = snapshot(a_stream(), 2), snapshot(a_stream(), 4)
    await snapshots.save(one)
    await snapshots.save(other)

    assert (await snapshots.load(one.stream), await snapshots.load(other.stream)) == (one, other)


async def test_a_loaded_state_is_a_copy(snapshots):
    saved = snapshot(a_stream())
    await snapshots.save(saved)

    loaded = await snapshots.load(saved.stream)
    assert loaded is not None
    loaded.state["name"] = "changed"

    assert await snapshots.load(saved.stream) == saved


async def test_postgres_reads_a_row_with_malformed_remembered_commands_as_no_snapshot(snapshots_database_url):
    adapter = await PostgresSnapshots.connect(snapshots_database_url, max_size=1)
    saved = snapshot(a_stream())
    try:
        await adapter.save(saved)
        async with await psycopg.AsyncConnection.connect(snapshots_database_url, autocommit=True) as conn:
            await conn.execute(
                "UPDATE eventstore.snapshots SET recent_commands = %s::json WHERE stream = %s",
                ('[["not-a-uuid", 1, 1]]', saved.stream),
            )
        assert await adapter.load(saved.stream) is None
    finally:
        await adapter.close()


async def test_postgres_without_the_table_is_unavailable(database_url):
    base = database_url.rpartition("/")[0]
    name = f"fitcoach_test_bare_{uuid.uuid4().hex[:8]}"
    async with await psycopg.AsyncConnection.connect(f"{base}/postgres", autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        adapter = await PostgresSnapshots.connect(f"{base}/{name}", max_size=1)
        try:
            with pytest.raises(SnapshotsUnavailable):
                await adapter.load(a_stream())
            with pytest.raises(SnapshotsUnavailable):
                await adapter.save(snapshot(a_stream()))
        finally:
            await adapter.close()
    finally:
        async with await psycopg.AsyncConnection.connect(f"{base}/postgres", autocommit=True) as admin:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_postgres_that_cannot_be_reached_is_unavailable():
    with pytest.raises(SnapshotsUnavailable):
        await PostgresSnapshots.connect("postgresql://postgres@127.0.0.1:1/none?connect_timeout=1")
