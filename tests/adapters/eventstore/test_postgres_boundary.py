"""PostgreSQL at the adapter boundary: an unreachable server, a database without the schema and data it
cannot store are reported as errors without writing, and migrations apply each version once however often
they run."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg import sql

from adapters.postgres.migrations import apply_migrations
from adapters.postgres.schema import MIGRATIONS, migrate
from adapters.postgres.store import PostgresEventStore
from application.eventstore import AppendResult, EventStoreError, EventStoreUnavailable, StreamState
from tests.adapters.eventstore import fresh_stream, new_event, new_events


async def test_an_unreachable_server_is_reported_as_unavailable() -> None:
    with pytest.raises(EventStoreUnavailable):
        await PostgresEventStore.connect("postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=2")


@asynccontextmanager
async def throwaway_database(server_url: str) -> AsyncIterator[str]:
    name = f"fitcoach_eventstore_{uuid.uuid4().hex[:12]}"
    admin_url = server_url.rpartition("/")[0] + "/postgres"
    async with await psycopg.AsyncConnection.connect(admin_url, autocommit=True) as admin:
        await admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield admin_url.rpartition("/")[0] + f"/{name}"
        finally:
            await admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


async def test_a_database_without_the_schema_is_reported_as_unavailable(eventstore_database_url: str) -> None:
    async with throwaway_database(eventstore_database_url) as url:
        store = await PostgresEventStore.connect(url)
        try:
            with pytest.raises(EventStoreUnavailable, match="migrate"):
                await store.append(fresh_stream(), new_events(1), StreamState.ANY)
            with pytest.raises(EventStoreUnavailable, match="migrate"):
                await store.read_all()
        finally:
            await store.close()


async def test_concurrent_and_repeated_migrations_apply_each_version_once(
    eventstore_database_url: str,
) -> None:
    async with throwaway_database(eventstore_database_url) as url:
        await asyncio.gather(*(migrate(url) for _ in range(4)))
        await migrate(url)
        async with await psycopg.AsyncConnection.connect(url) as conn:
            cursor = await conn.execute("SELECT version FROM eventstore.schema_migrations ORDER BY version")
            assert [row[0] for row in await cursor.fetchall()] == [m.version for m in MIGRATIONS]
        store = await PostgresEventStore.connect(url)
        try:
            result = await store.append(fresh_stream(), new_events(2), StreamState.NO_STREAM)
        finally:
            await store.close()
        assert result == AppendResult(stream_version=2, position=2)


# What each older schema's `append_events` took: the command path's arrays, then the chain hashes (from 3).
_OLD_APPEND = (
    "SELECT eventstore.append_events(%s, 0, ARRAY[gen_random_uuid()], ARRAY['ExerciseAdded'],"
    " ARRAY[1], ARRAY['{}'::json], ARRAY['user'], ARRAY[gen_random_uuid()],"
    " ARRAY[gen_random_uuid()], ARRAY[NULL::uuid], ARRAY[NULL::uuid]"
)


@pytest.mark.parametrize(
    ("applied", "hashes"),
    [(2, ""), (3, ", ARRAY[decode('ab01', 'hex')]")],
    ids=["from-snapshots", "from-chain-hashes"],
)
async def test_a_log_written_before_recorded_times_were_accepted_upgrades_in_place(
    eventstore_database_url: str, applied: int, hashes: str
) -> None:
    assert MIGRATIONS[3].name == "append_events keeps given recorded times"
    async with throwaway_database(eventstore_database_url) as url:
        await apply_migrations(
            url, schema="eventstore", ledger="schema_migrations", migrations=MIGRATIONS[:applied], lock_key=1
        )
        stream = fresh_stream()
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            await conn.execute(f"{_OLD_APPEND}{hashes})".encode(), (stream,))
        await migrate(url)
        moved_at = datetime(2020, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
        store = await PostgresEventStore.connect(url)
        try:
            await store.append(stream, [replace(new_event(), recorded_at=moved_at)], 1)
            first, second = await store.read_stream(stream)
        finally:
            await store.close()
        assert (first.stream_version, second.stream_version) == (1, 2)
        assert first.recorded_at > moved_at
        assert second.recorded_at == moved_at
        assert first.metadata.chain_hash == ("ab01" if hashes else None)


@pytest.mark.parametrize("payload", [{"weight": float("nan")}, {"when": object()}])
async def test_data_postgres_cannot_store_is_rejected_without_writing(
    pg_store: PostgresEventStore, payload: dict[str, object]
) -> None:
    stream = fresh_stream()
    position = await pg_store.current_position()
    with pytest.raises(EventStoreError) as rejected:
        await pg_store.append(stream, [new_event(data=payload)], StreamState.NO_STREAM)
    assert rejected.value.code == "EVENT_STORE_ERROR"
    assert await pg_store.read_stream(stream) == []
    assert await pg_store.current_position() == position
