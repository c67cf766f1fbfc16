"""The `PersistedQueries` contract: the in-process LRU and Redis pass the same tests; then what each adds
(the LRU evicts past its bounds; Redis, shared by replicas, refuses past its byte budget, atomically)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from adapters.memory.persisted_queries import InMemoryPersistedQueries
from adapters.redis.persisted_queries import BOOKKEEPING_BYTES, RedisPersistedQueries
from application.persisted_queries import PersistedQueries
from tests.adapters.api_ports.redis_server import (
    REDIS_URL,
    RedisServer,
    delete_prefixed,
    eventually,
    unique_prefix,
)

MAX_QUERY_BYTES = 1_000
BUDGET = 5_000


def query(size: int = 0) -> str:
    text = f"query Plan{uuid.uuid4().hex} {{ plan(id: 1) {{ name }} }}"
    return text + " " * max(0, size - len(text))


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[PersistedQueries]:
    if request.param == "memory":
        memory = InMemoryPersistedQueries(max_query_bytes=MAX_QUERY_BYTES)
        yield memory
        await memory.close()
        return
    prefix = unique_prefix()
    redis = await RedisPersistedQueries.connect(REDIS_URL, prefix=prefix, max_query_bytes=MAX_QUERY_BYTES)
    try:
        yield redis
    finally:
        await redis.close()
        await delete_prefixed(REDIS_URL, prefix)


@pytest.fixture(params=["memory", "redis"])
async def budgeted(request: pytest.FixtureRequest) -> AsyncIterator[PersistedQueries]:
    """A store that may hold at most BUDGET bytes in all."""
    if request.param == "memory":
        memory = InMemoryPersistedQueries(max_query_bytes=MAX_QUERY_BYTES, max_total_bytes=BUDGET)
        yield memory
        await memory.close()
        return
    prefix = unique_prefix()
    redis = await RedisPersistedQueries.connect(
        REDIS_URL, prefix=prefix, max_query_bytes=MAX_QUERY_BYTES, max_total_bytes=BUDGET
    )
    try:
        yield redis
    finally:
        await redis.close()
        await delete_prefixed(REDIS_URL, prefix)


async def test_an_unknown_hash_is_a_miss(store: PersistedQueries) -> None:
    assert await store.get(sha(query())) is None
    assert await store.contains(sha(query())) is False


async def test_contains_tells_whether_a_hash_is_stored(store: PersistedQueries) -> None:
    text = query()
    assert await store.put(sha(text), text)
    assert await store.contains(sha(text)) is True
    assert await store.contains(sha(query())) is False


async def test_the_queries_held_never_add_up_to_more_than_the_budget(budgeted: PersistedQueries) -> None:
    texts = [query(900) for _ in range(30)]
    for text in texts:
        await budgeted.put(sha(text), text)
    held = [text for text in texts if await budgeted.get(sha(text)) is not None]
    assert held, "a store with room keeps what fits"
    assert sum(len(text.encode()) for text in held) <= BUDGET


async def test_a_stored_query_comes_back_under_its_hash(store: PersistedQueries) -> None:
    text = query() + " # ünïcödé ✓"
    assert await store.put(sha(text), text) is True
    assert await store.get(sha(text)) == text
    assert await store.get(sha(query())) is None


async def test_putting_a_hash_again_is_harmless(store: PersistedQueries) -> None:
    text = query()
    assert await store.put(sha(text), text)
    assert await store.put(sha(text), text)
    assert await store.get(sha(text)) == text


async def test_a_query_over_the_size_bound_is_not_stored(store: PersistedQueries) -> None:
    largest, too_large = query(MAX_QUERY_BYTES), query(MAX_QUERY_BYTES + 1)
    assert await store.put(sha(largest), largest) is True
    assert await store.put(sha(too_large), too_large) is False
    assert await store.get(sha(too_large)) is None
    multibyte = "é" * (MAX_QUERY_BYTES // 2 + 1)  # under the bound in characters, over it in UTF-8 bytes
    assert await store.put(sha(multibyte), multibyte) is False


@pytest.mark.parametrize("bad", ["", "abc", "A" * 64, "g" * 64, "0" * 63, "0" * 65, "0" * 64 + "\n"])
async def test_a_malformed_hash_is_refused(store: PersistedQueries, bad: str) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        await store.get(bad)
    with pytest.raises(ValueError, match="SHA-256"):
        await store.put(bad, query())


async def test_the_in_memory_store_forgets_the_least_recently_used_past_its_bounds() -> None:
    store = InMemoryPersistedQueries(max_query_bytes=100, max_total_bytes=300, max_entries=10)
    first, second, third, fourth = (query(100) for _ in range(4))
    for text in (first, second, third):
        await store.put(sha(text), text)
    assert await store.get(sha(first)) == first  # now the most recently used
    await store.put(sha(fourth), fourth)
    assert await store.get(sha(second)) is None
    assert [await store.get(sha(text)) for text in (first, third, fourth)] == [first, third, fourth]
    assert store.total_bytes == 300

    by_count = InMemoryPersistedQueries(max_entries=2)
    texts = [query() for _ in range(3)]
    for text in texts:
        await by_count.put(sha(text), text)
    assert [await by_count.get(sha(text)) for text in texts] == [None, texts[1], texts[2]]


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


async def charged_bytes(redis: Redis, prefix: str) -> int:
    return int(await redis.get(f"{prefix}apq-budget:bytes") or 0)


async def test_a_full_redis_store_refuses_new_queries_and_keeps_the_ones_it_holds(
    redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    prefix = unique_prefix()
    room_for_three = 3 * (1_000 + BOOKKEEPING_BYTES)
    store = await RedisPersistedQueries.connect(REDIS_URL, prefix=prefix, max_total_bytes=room_for_three)
    first, second, third, fourth = (query(1_000) for _ in range(4))
    try:
        assert [await store.put(sha(text), text) for text in (first, second, third)] == [True] * 3
        assert await store.put(sha(fourth), fourth) is False
        assert await store.put(sha(fourth), fourth) is False
        assert await store.put(sha(first), first) is True, "one it holds is renewed, not charged again"
        assert await charged_bytes(redis, prefix) == room_for_three
        assert [await store.get(sha(text)) for text in (first, second, third, fourth)] == [
            first, second, third, None
        ]  # fmt: skip
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1, "a full budget is logged once, not per refused query"
        assert "FITCOACH_APQ_MAX_BYTES" in warnings[0]
    finally:
        await store.close()
        await delete_prefixed(REDIS_URL, prefix)


async def test_the_budget_is_shared_by_replicas_putting_at_once(redis: Redis) -> None:
    prefix = unique_prefix()
    room_for_ten = 10 * (500 + BOOKKEEPING_BYTES)
    replicas = [
        await RedisPersistedQueries.connect(
            REDIS_URL, prefix=prefix, max_total_bytes=room_for_ten, timeout_seconds=2.0
        )
        for _ in range(3)
    ]
    texts = [query(500) for _ in range(60)]
    try:
        stored = await asyncio.gather(
            *(replicas[index % 3].put(sha(text), text) for index, text in enumerate(texts))
        )
        assert sum(stored) == 10
        assert await charged_bytes(redis, prefix) == room_for_ten
        assert len([key async for key in redis.scan_iter(match=f"{prefix}apq:*")]) == 10
    finally:
        for replica in replicas:
            await replica.close()
        await delete_prefixed(REDIS_URL, prefix)


async def test_expired_queries_give_their_bytes_back(redis: Redis) -> None:
    prefix = unique_prefix()
    room_for_one = 1_000 + BOOKKEEPING_BYTES
    store = await RedisPersistedQueries.connect(
        REDIS_URL, prefix=prefix, ttl_seconds=1, max_total_bytes=room_for_one
    )
    old, new = query(1_000), query(1_000)
    try:
        assert await store.put(sha(old), old)
        assert await store.put(sha(new), new) is False
        await asyncio.sleep(1.1)  # the time to live of one second runs out
        assert await store.put(sha(new), new) is True
        assert await store.get(sha(old)) is None
        assert await charged_bytes(redis, prefix) == room_for_one
    finally:
        await store.close()
        await delete_prefixed(REDIS_URL, prefix)


async def test_a_query_stored_before_the_budget_was_kept_is_charged_when_read(redis: Redis) -> None:
    prefix = unique_prefix()
    store = await RedisPersistedQueries.connect(REDIS_URL, prefix=prefix)
    text = query()
    try:
        await redis.set(f"{prefix}apq:{sha(text)}", text, ex=3600)  # as the previous version stored it
        assert await store.get(sha(text)) == text
        assert await charged_bytes(redis, prefix) == len(text.encode()) + BOOKKEEPING_BYTES
        assert await store.get(sha(text)) == text
        assert await charged_bytes(redis, prefix) == len(text.encode()) + BOOKKEEPING_BYTES
    finally:
        await store.close()
        await delete_prefixed(REDIS_URL, prefix)


async def test_redis_keeps_a_query_for_its_ttl_and_every_read_renews_it() -> None:
    prefix = unique_prefix()
    store = await RedisPersistedQueries.connect(REDIS_URL, prefix=prefix)
    raw = Redis.from_url(REDIS_URL)
    text = query()
    key = f"{prefix}apq:{sha(text)}"
    try:
        await store.put(sha(text), text)
        assert 24 * 3600 - 5 <= await raw.ttl(key) <= 24 * 3600
        await raw.expire(key, 60)
        assert await store.get(sha(text)) == text
        assert await raw.ttl(key) > 24 * 3600 - 5
    finally:
        await store.close()
        await delete_prefixed(REDIS_URL, prefix)
        await raw.aclose()


async def test_with_redis_down_the_store_is_empty_with_one_warning_and_recovers(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = await RedisPersistedQueries.connect(redis_server.url, backoff=(0.05, 0.2))
    text = query()
    try:
        assert await store.put(sha(text), text)
        await redis_server.kill()
        assert [await store.get(sha(text)) for _ in range(20)] == [None] * 20
        assert await store.put(sha(text), text) is False
        warnings = [
            r.getMessage()
            for r in caplog.records
            if r.name == "adapters.redis.persisted_queries" and r.levelno == logging.WARNING
        ]
        assert len(warnings) == 1
        assert text not in warnings[0]

        await redis_server.start()
        assert await eventually(lambda: store.put(sha(text), text))
        assert await store.get(sha(text)) == text
    finally:
        await store.close()
