"""Every Redis adapter under a burst whose pooled connections are torn down under it (the pool's
`disconnect`, as the cache does itself when an outage starts), against the real Redis: redis-py then
fails some calls with `AttributeError: 'NoneType' object has no attribute 'writelines'` (a connection
whose writer was dropped mid-handshake). Each adapter takes that as an outage, as it does a
`ConnectionError`: nothing escapes to the request but what the adapter raises for an outage."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import redis.exceptions
import uvloop
from redis.asyncio import Redis

from adapters.memory.pubsub import InMemoryPubSub
from adapters.redis.cache import RedisCache
from adapters.redis.chat_feed import RedisChatFeed
from adapters.redis.clients import request_client
from adapters.redis.outage import is_redis_failure
from adapters.redis.persisted_queries import RedisPersistedQueries
from adapters.redis.pubsub import RedisPubSub
from adapters.redis.rate_limits import RedisRateLimiter
from adapters.redis.token_buckets import RedisTokenBuckets
from application.cache import CacheKey
from application.plan_reads import ReadModelUnavailable
from application.rate_limits import TokenBucket
from tests.adapters.api_ports.redis_server import REDIS_URL, delete_prefixed, unique_prefix

ROUNDS = 5
"""Before the fix, every adapter failed in each of 3 runs, with tens of AttributeErrors each."""
BURST = 200
TEARDOWNS = 60
TIMEOUT_SECONDS = 0.1


@dataclass
class UnderTest:
    call: Callable[[int], Awaitable[Any]]
    """One request's use of the adapter (the i-th of a burst)."""
    client: Redis
    """The adapter's own client, whose pool the test tears down."""
    close: Callable[[], Awaitable[None]]
    outage: tuple[type[Exception], ...] = ()
    """What the adapter raises, by design, while Redis is out."""


async def cache(prefix: str) -> UnderTest:
    client = request_client(REDIS_URL, timeout_seconds=TIMEOUT_SECONDS)
    adapter = RedisCache(client, Redis.from_url(REDIS_URL), prefix=prefix)
    return UnderTest(lambda i: adapter.get(CacheKey.plan(i)), client, adapter.close)


async def rate_limits(prefix: str) -> UnderTest:
    client = request_client(REDIS_URL, timeout_seconds=TIMEOUT_SECONDS)
    adapter = RedisRateLimiter(client, prefix=prefix)
    return UnderTest(lambda i: adapter.hit(f"login:{i}", 5, 60), client, adapter.close)


async def token_buckets(prefix: str) -> UnderTest:
    client = request_client(REDIS_URL, timeout_seconds=TIMEOUT_SECONDS)
    adapter = RedisTokenBuckets(client, prefix=prefix)
    bucket = TokenBucket(capacity=10, refill_per_minute=60)
    return UnderTest(lambda i: adapter.take(f"mutations:{i}", 1, bucket), client, adapter.close)


async def persisted_queries(prefix: str) -> UnderTest:
    client = request_client(REDIS_URL, timeout_seconds=TIMEOUT_SECONDS)
    adapter = RedisPersistedQueries(client, prefix=prefix)
    return UnderTest(lambda i: adapter.get(f"{i:064x}"), client, adapter.close)


async def pubsub(prefix: str) -> UnderTest:
    client = request_client(REDIS_URL, timeout_seconds=TIMEOUT_SECONDS)
    adapter = RedisPubSub(client, Redis.from_url(REDIS_URL), prefix=prefix)
    return UnderTest(lambda i: adapter.publish(f"channel-{i}", {"n": i}), client, adapter.close)


async def chat_feed(prefix: str) -> UnderTest:
    client = request_client(REDIS_URL, timeout_seconds=TIMEOUT_SECONDS)
    adapter = RedisChatFeed(client, InMemoryPubSub(), maxlen=100, ttl_seconds=60, prefix=prefix)
    return UnderTest(lambda i: adapter.head(uuid.uuid4()), client, adapter.close, (ReadModelUnavailable,))


ADAPTERS = [cache, rate_limits, token_buckets, persisted_queries, pubsub, chat_feed]


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = unique_prefix()
    yield name
    await delete_prefixed(REDIS_URL, name)


@pytest.mark.parametrize("build", ADAPTERS, ids=[build.__name__ for build in ADAPTERS])
async def test_a_burst_whose_connections_are_torn_down_under_it_never_raises(
    prefix: str, build: Callable[[str], Awaitable[UnderTest]]
) -> None:
    assert await escaped_from_bursts(prefix, build) == []


@pytest.mark.parametrize("build", ADAPTERS, ids=[build.__name__ for build in ADAPTERS])
def test_on_uvloop_too(prefix: str, build: Callable[[str], Awaitable[UnderTest]]) -> None:
    """The server runs on uvloop, whose transports fail a write on a torn-down connection with
    `RuntimeError: unable to perform operation on <TCPTransport closed=True ...>; the handler is closed`
    (seen as 500s under load in `bench/coach.py` before the fix)."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        assert runner.run(escaped_from_bursts(prefix, build)) == []


async def escaped_from_bursts(prefix: str, build: Callable[[str], Awaitable[UnderTest]]) -> list[str]:
    """What escaped the adapter's calls in `ROUNDS` bursts torn down under them."""
    escaped: list[BaseException] = []
    for _ in range(ROUNDS):  # a new adapter each round: every burst meets Redis up, not an outage's backoff
        adapter = await build(prefix)

        async def request(i: int, adapter: UnderTest = adapter) -> None:
            try:
                await adapter.call(i)
            except adapter.outage:
                pass
            except BaseException as error:
                escaped.append(error)

        async def tear_down(adapter: UnderTest = adapter) -> None:
            for n in range(TEARDOWNS):
                for _ in range(3 + n % 8):  # at varied points of the reconnections' handshakes
                    await asyncio.sleep(0)
                # Closing may time out on a loaded machine: that is this test's own tool failing, not
                # the adapter under test raising.
                with contextlib.suppress(redis.exceptions.TimeoutError):
                    await adapter.client.connection_pool.disconnect()

        try:
            await asyncio.gather(tear_down(), *(request(i) for i in range(BURST)))
        finally:
            await adapter.close()
    return [f"{type(error).__name__}: {error}" for error in escaped]


def test_an_attribute_error_of_our_own_is_a_bug_not_an_outage() -> None:
    try:
        uuid.UUID(int=1).no_such_attribute  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as error:
        ours = error
    assert not is_redis_failure(ours)


def test_a_runtime_error_outside_redis_py_is_a_bug_not_an_outage() -> None:
    try:
        raise RuntimeError("unable to perform operation on <TCPTransport closed=True>; the handler is closed")
    except RuntimeError as error:
        ours = error
    assert not is_redis_failure(ours)
