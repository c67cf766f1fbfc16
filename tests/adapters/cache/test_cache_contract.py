"""The `Cache` contract: every adapter (in process, Redis with its L1) passes the same tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis

from adapters.memory.cache import InMemoryCache
from adapters.redis.cache import RedisCache
from application.cache import Cache, CacheKey, CacheKind

REDIS_URL = os.environ.get("FITCOACH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SOME_PLAN = {"name": "Leg day", "exercises": [{"exercise_id": "Barbell_Squat", "sets": 5}]}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Harness:
    cache: Cache
    assert_lives_for: Callable[[CacheKey, int], Awaitable[None]]
    """Checks that the entry (or tombstone) under the key expires after the given seconds."""


def new_key(kind: CacheKind = CacheKind.PLAN) -> CacheKey:
    parts = tuple(uuid.uuid4().hex for _ in range(kind.template.count("{}")))
    return CacheKey(kind, parts)


async def delete_prefixed(client: Redis, prefix: str) -> None:
    async for key in client.scan_iter(match=f"{prefix}*"):
        await client.delete(key)


@pytest.fixture(params=["memory", "redis"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    if request.param == "memory":
        clock = FakeClock()
        memory = InMemoryCache(clock=clock)

        async def expires_in_memory(key: CacheKey, seconds: int) -> None:
            # A put with version 0 is older than anything stored: refused exactly while the entry lives.
            clock.advance(seconds - 1)
            assert await memory.put(key, "probe", 0) is False
            clock.advance(2)
            assert await memory.put(key, "probe", 0) is True

        yield Harness(memory, expires_in_memory)
        await memory.close()
        return
    prefix = f"fitcoach-test-{uuid.uuid4().hex[:12]}:"
    raw = Redis.from_url(REDIS_URL)
    cache = await RedisCache.connect(REDIS_URL, prefix=prefix)

    async def expires_in_redis(key: CacheKey, seconds: int) -> None:
        assert seconds - 2 <= await raw.ttl(prefix + key.name) <= seconds

    try:
        yield Harness(cache, expires_in_redis)
    finally:
        await cache.close()
        await delete_prefixed(raw, prefix)
        await raw.aclose()


async def test_an_unknown_key_is_a_miss(harness: Harness) -> None:
    assert await harness.cache.get(new_key()) is None


async def test_a_stored_value_comes_back_with_its_version(harness: Harness) -> None:
    key = new_key()
    assert await harness.cache.put(key, SOME_PLAN, 3) is True
    cached = await harness.cache.get(key)
    assert cached is not None
    assert (cached.value, cached.version) == (SOME_PLAN, 3)


async def test_keys_of_other_kinds_or_ids_do_not_share_entries(harness: Harness) -> None:
    same_id = uuid.uuid4().hex
    plan, session = CacheKey.plan(same_id), CacheKey(CacheKind.SESSION, (same_id,))
    await harness.cache.put(plan, {"plan": 1}, 1)
    await harness.cache.put(session, {"session": 1}, 1)
    cached_plan, cached_session = await harness.cache.get(plan), await harness.cache.get(session)
    assert cached_plan is not None
    assert cached_session is not None
    assert (cached_plan.value, cached_session.value) == ({"plan": 1}, {"session": 1})
    assert await harness.cache.get(new_key()) is None


async def test_many_keys_come_back_at_once_in_order_with_misses_as_none(harness: Harness) -> None:
    stored, unknown, invalidated, replaced = new_key(), new_key(), new_key(), new_key()
    await harness.cache.put(stored, {"v": 1}, 1)
    await harness.cache.put(invalidated, {"v": 1}, 1)
    await harness.cache.invalidate(invalidated, 2)
    await harness.cache.put(replaced, {"v": 1}, 1)
    await harness.cache.put(replaced, {"v": 2}, 2)
    found = await harness.cache.get_many([stored, unknown, invalidated, replaced, stored])
    assert [None if cached is None else (cached.value, cached.version) for cached in found] == [
        ({"v": 1}, 1),
        None,
        None,
        ({"v": 2}, 2),
        ({"v": 1}, 1),
    ]
    assert await harness.cache.get_many([]) == []


async def test_a_put_older_or_as_old_as_the_held_value_is_refused(harness: Harness) -> None:
    key = new_key()
    assert await harness.cache.put(key, {"v": 5}, 5)
    assert await harness.cache.put(key, {"v": 4}, 4) is False
    assert await harness.cache.put(key, {"v": "other 5"}, 5) is False
    cached = await harness.cache.get(key)
    assert cached is not None
    assert (cached.value, cached.version) == ({"v": 5}, 5)


async def test_a_newer_put_replaces_the_value(harness: Harness) -> None:
    key = new_key()
    await harness.cache.put(key, {"v": 1}, 1)
    assert await harness.cache.put(key, {"v": 2}, 2) is True
    cached = await harness.cache.get(key)
    assert cached is not None
    assert (cached.value, cached.version) == ({"v": 2}, 2)


async def test_an_invalidation_drops_the_value(harness: Harness) -> None:
    key = new_key()
    await harness.cache.put(key, {"v": 1}, 1)
    await harness.cache.invalidate(key, 2)
    assert await harness.cache.get(key) is None


async def test_after_an_invalidation_a_slow_writer_cannot_put_an_older_value_back(harness: Harness) -> None:
    key = new_key()
    await harness.cache.put(key, {"v": 1}, 1)
    await harness.cache.invalidate(key, 3)
    assert await harness.cache.put(key, {"v": 1}, 1) is False
    assert await harness.cache.put(key, {"v": 2}, 2) is False
    assert await harness.cache.get(key) is None


async def test_the_value_of_the_invalidated_version_itself_may_be_cached(harness: Harness) -> None:
    key = new_key()
    await harness.cache.invalidate(key, 3)
    assert await harness.cache.put(key, {"v": 3}, 3) is True
    cached = await harness.cache.get(key)
    assert cached is not None
    assert cached.version == 3


async def test_an_invalidation_older_than_the_held_value_keeps_it(harness: Harness) -> None:
    key = new_key()
    await harness.cache.put(key, {"v": 4}, 4)
    await harness.cache.invalidate(key, 4)
    await harness.cache.invalidate(key, 2)
    cached = await harness.cache.get(key)
    assert cached is not None
    assert cached.version == 4


@pytest.mark.parametrize("kind", list(CacheKind), ids=lambda kind: kind.name)
async def test_an_entry_lives_for_the_ttl_of_its_kind(harness: Harness, kind: CacheKind) -> None:
    key = new_key(kind)
    assert await harness.cache.put(key, SOME_PLAN, 1)
    await harness.assert_lives_for(key, kind.ttl_seconds)


@pytest.mark.parametrize("kind", list(CacheKind), ids=lambda kind: kind.name)
async def test_a_tombstone_lives_for_the_ttl_of_its_kind(harness: Harness, kind: CacheKind) -> None:
    key = new_key(kind)
    await harness.cache.invalidate(key, 7)
    await harness.assert_lives_for(key, kind.ttl_seconds)


def test_the_kinds_carry_the_specified_ttls() -> None:
    assert {kind: kind.ttl_seconds for kind in CacheKind} == {
        CacheKind.PLAN: 300,
        CacheKind.RECOMMENDATIONS: 1800,
        CacheKind.AI_RESPONSE: 600,
        CacheKind.SESSION: 3600,
        CacheKind.RESPONSES: 300,  # ours, not the specification's: cached GraphQL read results
        CacheKind.LIBRARY_GENERATION: 600,  # ours too: the exercise library's searches
        CacheKind.LIBRARY_SEARCH: 600,
        CacheKind.LIBRARY_RESPONSE: 600,
    }
