"""The `snapshots` fixture: every contract test runs against each `Snapshots` adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.memory.snapshots import InMemorySnapshots
from adapters.postgres.schema import migrate
from adapters.postgres.snapshots import PostgresSnapshots
from application.snapshots import Snapshots


@pytest.fixture(scope="session")
async def snapshots_database_url(database_url: str) -> str:
    """The session's throwaway database with the event store schema (and so the snapshots table)."""
    await migrate(database_url)
    return database_url


@pytest.fixture(params=["memory", "postgres"])
async def snapshots(request: pytest.FixtureRequest, snapshots_database_url: str) -> AsyncIterator[Snapshots]:
    adapter: Snapshots
    if request.param == "memory":
        adapter = InMemorySnapshots()
    else:
        adapter = await PostgresSnapshots.connect(snapshots_database_url, max_size=2)
    try:
        yield adapter
    finally:
        await adapter.close()
