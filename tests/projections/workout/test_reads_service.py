"""`PlanReads` without waiting: cache first, PostgreSQL on a miss, cached with the plan's version."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import psycopg
import pytest

from adapters.memory.cache import InMemoryCache
from adapters.postgres.checkpoints import PostgresCheckpointWaiter
from adapters.postgres.plan_read_model import PostgresPlanReadModel
from application.cache import CacheKey
from application.plan_reads import PlanReads
from tests.projections import plan_view, read_model_database, write_plan

Connection = psycopg.AsyncConnection[Any]


@pytest.fixture(scope="module")
async def read_models_url(database_url: str) -> AsyncIterator[str]:
    async with read_model_database(database_url) as url:
        yield url


@pytest.fixture
async def conn(read_models_url: str) -> AsyncIterator[Connection]:
    async with await psycopg.AsyncConnection.connect(read_models_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
async def cache() -> AsyncIterator[InMemoryCache]:
    memory = InMemoryCache()
    yield memory
    await memory.close()


@pytest.fixture
async def reads(read_models_url: str, cache: InMemoryCache) -> AsyncIterator[PlanReads]:
    read_model = await PostgresPlanReadModel.connect(read_models_url)
    waiter = await PostgresCheckpointWaiter.start(read_models_url)
    yield PlanReads(read_model, cache, waiter)
    await waiter.close()
    await read_model.close()


async def test_a_miss_reads_postgresql_and_caches_the_plan_with_its_version(
    reads: PlanReads, cache: InMemoryCache, conn: Connection
) -> None:
    stored = plan_view(version=4)
    await write_plan(conn, stored)

    result = await reads.get_plan(stored.id)

    assert (result.value, result.stale) == (stored, False)
    cached = await cache.get(CacheKey.plan(stored.id))
    assert cached is not None
    assert cached.version == 4


async def test_a_hit_is_served_from_the_cache(reads: PlanReads, conn: Connection) -> None:
    stored = plan_view()
    await write_plan(conn, stored)
    await reads.get_plan(stored.id)
    await write_plan(conn, replace(stored, name="Changed without invalidation", version=3))

    result = await reads.get_plan(stored.id)

    assert result.value == stored


async def test_after_the_projector_invalidates_the_new_row_is_read_and_cached(
    reads: PlanReads, cache: InMemoryCache, conn: Connection
) -> None:
    stored = plan_view(version=2)
    await write_plan(conn, stored)
    await reads.get_plan(stored.id)
    renamed = replace(stored, name="Push day", version=3, last_position=9)
    await write_plan(conn, renamed)

    await cache.invalidate(CacheKey.plan(stored.id), 3)

    assert (await reads.get_plan(stored.id)).value == renamed
    cached = await cache.get(CacheKey.plan(stored.id))
    assert cached is not None
    assert cached.version == 3


async def test_an_unknown_plan_is_none_and_not_cached(reads: PlanReads, cache: InMemoryCache) -> None:
    plan_id = uuid.uuid4()
    result = await reads.get_plan(plan_id)
    assert (result.value, result.stale) == (None, False)
    assert await cache.get(CacheKey.plan(plan_id)) is None
