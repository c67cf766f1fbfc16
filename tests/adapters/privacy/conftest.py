"""The `data_keys` fixture: every contract test runs against each `DataKeys` adapter. `other_caller` gives
another client of the same keys: for PostgreSQL an adapter of its own (its own connection pool), as
another process of the deployment would be; in memory, the one store (a process has one)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from adapters.memory.data_keys import InMemoryDataKeys
from adapters.postgres.data_keys import PostgresDataKeys
from adapters.postgres.privacy_schema import migrate_privacy
from application.privacy.keys import DataKeys

OtherCaller = Callable[[], Awaitable[DataKeys]]


@pytest.fixture(scope="session")
async def data_keys_database_url(database_url: str) -> str:
    """The session's throwaway database with schema `privacy` migrated (once)."""
    await migrate_privacy(database_url)
    return database_url


@pytest.fixture(params=["memory", "postgres"])
async def data_keys(request: pytest.FixtureRequest, data_keys_database_url: str) -> AsyncIterator[DataKeys]:
    adapter: DataKeys
    if request.param == "memory":
        adapter = InMemoryDataKeys()
    else:
        adapter = await PostgresDataKeys.connect(data_keys_database_url, max_size=2)
    try:
        yield adapter
    finally:
        await adapter.close()


@pytest.fixture
async def other_caller(data_keys: DataKeys, data_keys_database_url: str) -> AsyncIterator[OtherCaller]:
    opened: list[DataKeys] = []

    async def connect() -> DataKeys:
        if isinstance(data_keys, InMemoryDataKeys):
            return data_keys
        caller = await PostgresDataKeys.connect(data_keys_database_url, max_size=1)
        opened.append(caller)
        return caller

    try:
        yield connect
    finally:
        for caller in opened:
            await caller.close()
