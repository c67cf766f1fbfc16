"""The `store` fixture: every contract test runs against each EventStore adapter; and `pg_store`, a PostgreSQL
store whose live subscriptions rely on LISTEN/NOTIFY alone."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from adapters.memory.store import InMemoryEventStore
from adapters.postgres.schema import migrate
from adapters.postgres.store import PostgresEventStore
from application.eventstore import EventStore
from tests.adapters.eventstore.postgres_followers import WRITERS

KURRENTDB_URL_VARIABLE = "FITCOACH_KURRENTDB_URL"

needs_kurrentdb = [
    pytest.mark.kurrentdb,
    pytest.mark.skipif(
        not os.environ.get(KURRENTDB_URL_VARIABLE),
        reason="no KurrentDB server: set FITCOACH_KURRENTDB_URL",
    ),
]


@pytest.fixture(scope="session")
async def eventstore_database_url(database_url: str) -> str:
    """The session's throwaway database with the event store schema migrated (once)."""
    await migrate(database_url)
    return database_url


@pytest.fixture(params=["memory", "postgres", pytest.param("kurrentdb", marks=needs_kurrentdb)])
async def store(request: pytest.FixtureRequest, eventstore_database_url: str) -> AsyncIterator[EventStore]:
    adapter: EventStore
    if request.param == "memory":
        adapter = InMemoryEventStore()
    elif request.param == "postgres":
        adapter = await PostgresEventStore.connect(eventstore_database_url)
    else:
        from adapters.kurrentdb.store import KurrentEventStore  # written separately; imported only when used

        adapter = KurrentEventStore(os.environ[KURRENTDB_URL_VARIABLE])
    try:
        yield adapter
    finally:
        await adapter.close()


@pytest.fixture
async def pg_store(eventstore_database_url: str) -> AsyncIterator[PostgresEventStore]:
    store = await PostgresEventStore.connect(eventstore_database_url, min_size=WRITERS, max_size=WRITERS + 2)
    store.subscriptions.fallback_poll_seconds = 3600
    try:
        yield store
    finally:
        await store.close()
