"""Redis down or slow: reads answer from PostgreSQL, nothing raises, the outage is logged once, and the
cache recovers when Redis returns. Runs a throwaway `redis-server`, never touching the shared one."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
from redis.asyncio import Redis

from adapters.postgres.checkpoints import PostgresCheckpointWaiter
from adapters.postgres.plan_read_model import PostgresPlanReadModel
from adapters.redis.cache import RedisCache
from application.cache import CacheKey
from application.plan_reads import PlanReads
from application.plan_views import PlanView
from tests.adapters.api_ports.redis_server import RedisServer, eventually
from tests.projections import plan_view, read_model_database, write_plan

CACHE_LOGGER = "adapters.redis.cache"
ReadParts = tuple[PostgresPlanReadModel, PostgresCheckpointWaiter]


@pytest.fixture
async def redis_server(tmp_path: Path) -> AsyncIterator[RedisServer]:
    server = RedisServer(tmp_path)
    await server.start()
    yield server
    await server.kill()


@pytest.fixture(scope="module")
async def read_models_url(database_url: str) -> AsyncIterator[str]:
    async with read_model_database(database_url) as url:
        yield url


@pytest.fixture
async def stored_plan(read_models_url: str) -> PlanView:
    view = plan_view()
    async with await psycopg.AsyncConnection.connect(read_models_url, autocommit=True) as conn:
        await write_plan(conn, view)
    return view


@pytest.fixture
async def read_parts(
    read_models_url: str,
) -> AsyncIterator[ReadParts]:
    read_model = await PostgresPlanReadModel.connect(read_models_url)
    waiter = await PostgresCheckpointWaiter.start(read_models_url)
    yield read_model, waiter
    await waiter.close()
    await read_model.close()


def cache_logs(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == CACHE_LOGGER and r.levelno == level]


async def test_with_redis_killed_reads_answer_from_postgresql_and_the_cache_recovers(
    redis_server: RedisServer,
    read_parts: ReadParts,
    stored_plan: PlanView,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=CACHE_LOGGER)
    prefix = f"fitcoach-test-{uuid.uuid4().hex[:12]}:"
    cache = await RedisCache.connect(redis_server.url, prefix=prefix, backoff=(0.05, 0.2))
    reads = PlanReads(read_parts[0], cache, read_parts[1])
    key, other_key = CacheKey.plan(stored_plan.id), CacheKey.plan(uuid.uuid4())
    try:
        assert (await reads.get_plan(stored_plan.id)).value == stored_plan
        assert await cache.get(key) is not None

        await redis_server.kill()
        answers = []
        for _ in range(40):
            answers.append(await reads.get_plan(stored_plan.id))
            await asyncio.sleep(0.01)  # long enough for several retries to probe the dead server
        answers += await asyncio.gather(*(reads.get_plan(stored_plan.id) for _ in range(40)))
        assert await cache.get(key) is None
        assert await cache.put(key, stored_plan.to_json(), stored_plan.version + 1) is False
        await cache.invalidate(other_key, 7)

        assert all(answer.value == stored_plan and not answer.stale for answer in answers)
        assert len(cache_logs(caplog, logging.WARNING)) == 1

        await redis_server.start()

        async def cached_again() -> bool:
            await reads.get_plan(stored_plan.id)
            return await cache.get(key) is not None

        assert await eventually(cached_again)
        assert len(cache_logs(caplog, logging.WARNING)) == 1
        assert cache_logs(caplog, logging.INFO) == ["Redis cache reachable again"]
        # The invalidation Redis missed is replayed, so a slow writer still cannot put an older value.
        raw = Redis.from_url(redis_server.url)
        try:
            assert await eventually(lambda: tombstone_version(raw, prefix + other_key.name, 7))
        finally:
            await raw.aclose()
        assert await cache.put(other_key, {"old": True}, 6) is False
    finally:
        await cache.close()


async def tombstone_version(raw: Redis, name: str, version: int) -> bool:
    return await raw.hget(name, "v") == str(version).encode()


async def test_with_redis_too_slow_reads_answer_from_postgresql_and_the_cache_recovers(
    redis_server: RedisServer,
    read_parts: ReadParts,
    stored_plan: PlanView,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=CACHE_LOGGER)
    prefix = f"fitcoach-test-{uuid.uuid4().hex[:12]}:"
    key = CacheKey.plan(stored_plan.id)
    writer = await RedisCache.connect(redis_server.url, prefix=prefix)
    reader = await RedisCache.connect(redis_server.url, prefix=prefix, backoff=(0.05, 0.2))
    raw = Redis.from_url(redis_server.url)
    reads = PlanReads(read_parts[0], reader, read_parts[1])
    try:
        assert await writer.put(key, stored_plan.to_json(), stored_plan.version)

        await raw.client_pause(800, all=True)  # Redis answers nothing for 0.8 s
        answers = [await reads.get_plan(stored_plan.id) for _ in range(20)]

        assert all(answer.value == stored_plan for answer in answers)
        assert len(cache_logs(caplog, logging.WARNING)) == 1
        assert await eventually(lambda: reader.get(key))  # the entry in Redis is reachable again
        assert cache_logs(caplog, logging.INFO) == ["Redis cache reachable again"]
    finally:
        await raw.aclose()
        await reader.close()
        await writer.close()


async def test_a_cache_started_while_redis_is_down_works_once_it_comes_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=CACHE_LOGGER)
    server = RedisServer(tmp_path)  # its port is chosen, nothing listens on it yet
    cache = await RedisCache.connect(server.url, prefix="fitcoach-test:", backoff=(0.05, 0.2))
    key = CacheKey.plan(uuid.uuid4())
    try:
        assert await cache.put(key, {"name": "Leg day"}, 1) is False
        assert await cache.get(key) is None
        assert len(cache_logs(caplog, logging.WARNING)) == 1

        await server.start()

        assert await eventually(lambda: cache.put(key, {"name": "Leg day"}, 1))
        cached = await cache.get(key)
        assert cached is not None
        assert cached.value == {"name": "Leg day"}
    finally:
        await cache.close()
        await server.kill()
