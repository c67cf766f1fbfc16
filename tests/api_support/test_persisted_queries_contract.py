"""The `PersistedQueries` contract: the in-process LRU and Redis pass the same tests; then what each adds."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from adapters.memory_persisted_queries import InMemoryPersistedQueries
from adapters.redis_persisted_queries import RedisPersistedQueries
from application.persisted_queries import PersistedQueries
from tests.api_support.redis_server import REDIS_URL, RedisServer, delete_prefixed, eventually, unique_prefix

MAX_QUERY_BYTES = 1_000


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


async def test_an_unknown_hash_is_a_miss(store: PersistedQueries) -> None:
    assert await store.get(sha(query())) is None


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
            if r.name == "adapters.redis_persisted_queries" and r.levelno == logging.WARNING
        ]
        assert len(warnings) == 1
        assert text not in warnings[0]

        await redis_server.start()
        assert await eventually(lambda: store.put(sha(text), text))
        assert await store.get(sha(text)) == text
    finally:
        await store.close()
