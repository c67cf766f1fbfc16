"""A database of this package's own (tampered logs must not reach other tests), the event store on it,
and its seals."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
import pytest

from adapters.postgres.audit_schema import migrate_audit
from adapters.postgres.schema import migrate
from adapters.postgres.seals import PostgresSeals
from adapters.postgres.store import PostgresEventStore
from tests.conftest import ADMIN_URL


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """An empty database of its own, dropped afterwards."""
    name = f"fitcoach_integrity_{uuid.uuid4().hex[:12]}"
    async with await psycopg.AsyncConnection.connect(ADMIN_URL, autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    finally:
        async with await psycopg.AsyncConnection.connect(ADMIN_URL, autocommit=True) as admin:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
async def integrity_url() -> AsyncIterator[str]:
    """The event store and the audit schema, shared by a module's tests (each tampers its own streams)."""
    async with fresh_database() as url:
        await migrate(url)
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
