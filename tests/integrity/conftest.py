"""A database of this package's own (tampered logs must not reach other tests), the event store on it,
and its seals."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.postgres.audit_schema import migrate_audit
from adapters.postgres.seals import PostgresSeals
from adapters.postgres.store import PostgresEventStore
from tests.projections import migrated_database

DATABASE_PREFIX = "fitcoach_integrity"


@pytest.fixture(scope="module")
async def integrity_url() -> AsyncIterator[str]:
    """The event store and the audit schema, shared by a module's tests (each tampers its own streams)."""
    async with migrated_database(DATABASE_PREFIX) as url:
        await migrate_audit(url)
        yield url


@pytest.fixture
async def pg_store(integrity_url: str) -> AsyncIterator[PostgresEventStore]:
    store = await PostgresEventStore.connect(integrity_url, max_size=10)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def pg_seals(integrity_url: str) -> AsyncIterator[PostgresSeals]:
    seals = await PostgresSeals.connect(integrity_url)
    try:
        yield seals
    finally:
        await seals.close()
