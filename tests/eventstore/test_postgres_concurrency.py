"""PostgreSQL under concurrent writers, the life cycle of its live subscriptions, and its failures.

The subscribers here rely on LISTEN/NOTIFY alone: the fallback poll is set to an hour, so a missed
notification would hang the test (until the guard timeout) instead of passing slowly.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import cast
from uuid import UUID

import psycopg
import pytest
from psycopg import sql

from adapters.postgres_schema import MIGRATIONS, migrate
from adapters.postgres_store import PostgresEventStore
from adapters.postgres_subscription import LISTENER_APPLICATION_NAME
from application.eventstore import (
    AppendResult,
    EventStoreError,
    EventStoreUnavailable,
    RecordedEvent,
    StreamState,
    WrongExpectedVersion,
)
from tests.eventstore import fresh_stream, new_event, new_events

WRITERS = 8
APPENDS_PER_WRITER = 500
GUARD_SECONDS = 60  # only stops a broken subscription from hanging the suite


@pytest.fixture
async def pg_store(eventstore_database_url: str) -> AsyncIterator[PostgresEventStore]:
    store = await PostgresEventStore.connect(eventstore_database_url, min_size=WRITERS, max_size=WRITERS + 2)
    store.subscriptions.fallback_poll_seconds = 3600
    try:
        yield store
    finally:
        await store.close()


class Follower:
    """Collects what a subscription delivers, in a task, until it has seen a given position."""

    def __init__(self, store: PostgresEventStore, after: int) -> None:
        self.seen: list[RecordedEvent] = []
        self._subscription = cast(AsyncGenerator[RecordedEvent, None], store.subscribe_all(after=after))
        self._last: int | None = None
        self._task = asyncio.ensure_future(self._follow())

    async def _follow(self) -> None:
        async for event in self._subscription:
            self.seen.append(event)
            if self._last is not None and event.position >= self._last:
                return

    async def until(self, last_position: int) -> list[RecordedEvent]:
        self._last = last_position
        try:
            if not (self.seen and self.seen[-1].position >= last_position):
                async with asyncio.timeout(GUARD_SECONDS):
                    await self._task
        finally:
            await self.stop()
        return self.seen

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self._subscription.aclose()


@dataclass
class WriterLog:
    wins: list[tuple[str, int, list[UUID], AppendResult]] = field(default_factory=list)
    conflicts: int = 0


async def write(store: PostgresEventStore, writer: int, streams: list[str]) -> WriterLog:
    """Append with the exact version this writer last saw; a conflict teaches it the actual one."""
    log = WriterLog()
    known = dict.fromkeys(streams, 0)
    for attempt in range(APPENDS_PER_WRITER):
        stream = streams[(writer + attempt) % len(streams)]
        events = new_events(1 + (writer + attempt) % 3)
        try:
            result = await store.append(stream, events, known[stream])
        except WrongExpectedVersion as conflict:
            log.conflicts += 1
            known[stream] = conflict.actual
        else:
            log.wins.append((stream, known[stream], [e.event_id for e in events], result))
            known[stream] = result.stream_version
    return log


async def run_writers_with_a_follower(
    store: PostgresEventStore, streams_of: list[list[str]]
) -> tuple[list[WriterLog], list[RecordedEvent], int]:
    start = await store.current_position()
    follower = Follower(store, after=start)
    logs = await asyncio.gather(*(write(store, writer, streams) for writer, streams in enumerate(streams_of)))
    seen = await follower.until(await store.current_position())
    return list(logs), seen, start


def assert_seen_exactly_once_in_dense_order(
    seen: list[RecordedEvent], logs: list[WriterLog], start: int
) -> None:
    written = [event_id for log in logs for _, _, ids, _ in log.wins for event_id in ids]
    assert [e.position for e in seen] == list(range(start + 1, start + len(written) + 1))
    assert sorted(e.event_id for e in seen) == sorted(written)


async def test_concurrent_writers_on_shared_streams_win_each_version_once(
    pg_store: PostgresEventStore,
) -> None:
    streams = [fresh_stream("shared") for _ in range(3)]
    logs, seen, start = await run_writers_with_a_follower(pg_store, [streams] * WRITERS)

    wins = [win for log in logs for win in log.wins]
    assert len(wins) + sum(log.conflicts for log in logs) == WRITERS * APPENDS_PER_WRITER
    assert sum(log.conflicts for log in logs) > 0
    for stream in streams:
        stream_wins = sorted((expected, ids, result) for s, expected, ids, result in wins if s == stream)
        expected_versions = [expected for expected, _, _ in stream_wins]
        assert len(expected_versions) == len(set(expected_versions)), "two writers won the same version"
        chain = [0] + [result.stream_version for _, _, result in stream_wins]
        assert expected_versions == chain[:-1], "each win must start where the previous one ended"
        stored = await pg_store.read_stream(stream)
        assert [e.stream_version for e in stored] == list(range(1, chain[-1] + 1))
        assert [e.event_id for e in stored] == [event_id for _, ids, _ in stream_wins for event_id in ids]
    assert_seen_exactly_once_in_dense_order(seen, logs, start)


async def test_concurrent_writers_on_separate_streams_never_conflict(pg_store: PostgresEventStore) -> None:
    streams_of = [[fresh_stream(f"writer{writer}")] for writer in range(WRITERS)]
    logs, seen, start = await run_writers_with_a_follower(pg_store, streams_of)

    assert [log.conflicts for log in logs] == [0] * WRITERS
    for [stream], log in zip(streams_of, logs, strict=True):
        stored = await pg_store.read_stream(stream)
        assert [e.event_id for e in stored] == [event_id for _, _, ids, _ in log.wins for event_id in ids]
    assert_seen_exactly_once_in_dense_order(seen, logs, start)


# --- subscription life cycle ----------------------------------------------------------------------


async def listener_backends(store_url: str, *, terminate: bool = False) -> int:
    action = "pg_terminate_backend(pid)" if terminate else "pid"
    async with await psycopg.AsyncConnection.connect(store_url, autocommit=True) as admin:
        cursor = await admin.execute(
            f"SELECT {action} FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            (LISTENER_APPLICATION_NAME,),
        )
        return len(await cursor.fetchall())


async def wait_for_listener_backends(store_url: str, count: int) -> None:
    async with asyncio.timeout(GUARD_SECONDS):
        while True:  # pg_stat_activity offers nothing to wait on, so poll it
            if await listener_backends(store_url) == count:
                return
            await asyncio.sleep(0.05)


async def test_subscription_survives_its_listen_connection_dropping(
    pg_store: PostgresEventStore, eventstore_database_url: str
) -> None:
    stream = fresh_stream()
    await pg_store.append(stream, new_events(1), StreamState.NO_STREAM)
    follower = Follower(pg_store, after=await pg_store.current_position() - 1)
    try:
        await wait_for_listener_backends(eventstore_database_url, 1)
        assert await listener_backends(eventstore_database_url, terminate=True) == 1
        later = new_events(2)
        result = await pg_store.append(stream, later, 1)
    except BaseException:
        await follower.stop()
        raise
    seen = await follower.until(result.position)
    assert [e.event_id for e in seen][-2:] == [e.event_id for e in later]
    assert [e.stream_version for e in seen] == [1, 2, 3]


async def test_closing_a_subscription_releases_its_connection(
    pg_store: PostgresEventStore, eventstore_database_url: str
) -> None:
    follower = Follower(pg_store, after=await pg_store.current_position())
    await wait_for_listener_backends(eventstore_database_url, 1)
    await follower.stop()
    await wait_for_listener_backends(eventstore_database_url, 0)


async def test_closing_the_store_ends_its_live_subscriptions(eventstore_database_url: str) -> None:
    store = await PostgresEventStore.connect(eventstore_database_url)
    subscription = store.subscribe_all(after=await store.current_position())
    waiting = asyncio.ensure_future(anext(subscription))
    await wait_for_listener_backends(eventstore_database_url, 1)
    await store.close()
    with pytest.raises(EventStoreUnavailable):
        async with asyncio.timeout(GUARD_SECONDS):
            await waiting
    await wait_for_listener_backends(eventstore_database_url, 0)


# --- errors at the adapter boundary, and reads -----------------------------------------------------


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
