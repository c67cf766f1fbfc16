"""`RedisCache` beyond the contract: the in-process L1 and its eviction across replicas."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from adapters.redis.cache import RedisCache
from application.cache import CacheKey
from tests.adapters.cache.test_cache_contract import REDIS_URL, FakeClock, delete_prefixed

L1_TTL = 60.0  # long, so an L1 entry seen gone was evicted, not expired


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"fitcoach-test-{uuid.uuid4().hex[:12]}:"
    yield name
    raw = Redis.from_url(REDIS_URL)
    await delete_prefixed(raw, name)
    await raw.aclose()


@pytest.fixture
async def raw() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture
async def replicas(prefix: str) -> AsyncIterator[tuple[RedisCache, RedisCache]]:
    """Two API replicas sharing one Redis."""
    first = await RedisCache.connect(REDIS_URL, prefix=prefix, l1_ttl_seconds=L1_TTL)
    second = await RedisCache.connect(REDIS_URL, prefix=prefix, l1_ttl_seconds=L1_TTL)
    yield first, second
    await first.close()
    await second.close()


async def eventually_none(cache: RedisCache, key: CacheKey) -> bool:
    for _ in range(200):
        if await cache.get(key) is None:
            return True
        await asyncio.sleep(0.01)
    return False


async def test_l1_answers_without_asking_redis(
    replicas: tuple[RedisCache, RedisCache], raw: Redis, prefix: str
) -> None:
    first, second = replicas
    key = CacheKey.plan(uuid.uuid4())
    await first.put(key, {"name": "Leg day"}, 1)
    await raw.delete(prefix + key.name)  # behind the caches' backs: no invalidation is published

    from_l1 = await first.get(key)
    assert from_l1 is not None
    assert (from_l1.value, from_l1.version) == ({"name": "Leg day"}, 1)
    assert await second.get(key) is None  # its L1 never held the key, and Redis no longer does


async def test_a_value_read_from_redis_is_kept_in_l1(
    replicas: tuple[RedisCache, RedisCache], raw: Redis, prefix: str
) -> None:
    first, second = replicas
    key = CacheKey.plan(uuid.uuid4())
    await first.put(key, {"name": "Leg day"}, 1)
    assert await second.get(key) is not None
    await raw.delete(prefix + key.name)
    assert await second.get(key) is not None


async def test_an_invalidation_on_one_replica_evicts_the_others_l1(
    replicas: tuple[RedisCache, RedisCache], raw: Redis, prefix: str
) -> None:
    first, second = replicas
    key = CacheKey.plan(uuid.uuid4())
    await first.put(key, {"name": "Leg day"}, 1)
    await second.get(key)
    await raw.hset(prefix + key.name, "d", b'{"name":"changed behind L1"}')  # a read now tells L1 from Redis
    held = await second.get(key)
    assert held is not None
    assert held.value == {"name": "Leg day"}

    await first.invalidate(key, 2)

    assert await eventually_none(second, key)


async def test_a_malformed_invalidation_message_does_not_stop_evictions(
    replicas: tuple[RedisCache, RedisCache], raw: Redis, prefix: str
) -> None:
    first, second = replicas
    key = CacheKey.plan(uuid.uuid4())
    await raw.publish(f"{prefix}cache-invalidations", b"not-a-version:workout:plan:x")
    await first.put(key, {"name": "Leg day"}, 1)
    await second.get(key)
    await raw.delete(prefix + key.name)

    await first.invalidate(key, 2)

    assert await eventually_none(second, key)


async def test_l1_entries_expire_after_the_l1_ttl(prefix: str, raw: Redis) -> None:
    clock = FakeClock()
    cache = await RedisCache.connect(REDIS_URL, prefix=prefix, l1_ttl_seconds=5.0, clock=clock)
    try:
        key = CacheKey.plan(uuid.uuid4())
        await cache.put(key, {"name": "Leg day"}, 1)
        await raw.delete(prefix + key.name)
        clock.advance(4.0)
        assert await cache.get(key) is not None
        clock.advance(2.0)
        assert await cache.get(key) is None
    finally:
        await cache.close()


async def test_a_refused_put_is_not_kept_in_l1(
    replicas: tuple[RedisCache, RedisCache], raw: Redis, prefix: str
) -> None:
    first, second = replicas
    key = CacheKey.plan(uuid.uuid4())
    await second.invalidate(key, 5)
    assert await first.put(key, {"name": "old"}, 4) is False
    await raw.delete(prefix + key.name)
    assert await first.get(key) is None
