"""The life cycle of PostgreSQL's live subscriptions: one survives its LISTEN connection dropping, and closing
it or the store releases that connection."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import psycopg
import pytest

from adapters.postgres.schema import migrate
from adapters.postgres.store import PostgresEventStore
from adapters.postgres.subscription import LISTENER_APPLICATION_NAME
from application.eventstore import EventStoreUnavailable, StreamState
from tests.adapters.eventstore import fresh_stream, new_events
from tests.adapters.eventstore.postgres_followers import GUARD_SECONDS, Follower


@pytest.fixture
async def eventstore_database_url(database_url: str) -> AsyncIterator[str]:
    """A database of each test's own (overriding the session's): these tests count, and one terminates,
    every LISTEN connection in their database, so another test's connection that is still being let go
    of must neither be counted nor killed."""
    name = f"fitcoach_listen_{uuid.uuid4().hex[:12]}"
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{database_url.rpartition('/')[0]}/{name}"
    try:
        await migrate(url)
        yield url
    finally:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as admin:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
