"""The `TokenBuckets` contract: the in-process adapter and Redis pass the same tests; then Redis fails open.

Against Redis, time is real (Redis's clock), so the refill test waits a few seconds; in process a fake
clock moves.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis

from adapters.memory.token_buckets import InMemoryTokenBuckets
from adapters.redis.token_buckets import RedisTokenBuckets
from application.rate_limits import TokenBucket, TokenBuckets, rate_limit_key
from tests.adapters.api_ports.redis_server import (
    REDIS_URL,
    RedisServer,
    delete_prefixed,
    eventually,
    unique_prefix,
)
from tests.adapters.api_ports.test_rate_limits_contract import FakeClock

TWO_A_SECOND = TokenBucket(capacity=5, refill_per_minute=120)
SLOW = TokenBucket(capacity=3, refill_per_minute=6)
"""One token every ten seconds: nothing refills within a test."""


@dataclass
class Harness:
    buckets: TokenBuckets
    wait: Callable[[float], Awaitable[None]]


@pytest.fixture(params=["memory", "redis"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    if request.param == "memory":
        clock = FakeClock()
        memory = InMemoryTokenBuckets(clock=clock)

        async def advance(seconds: float) -> None:
            clock.now += seconds

        yield Harness(memory, advance)
        await memory.close()
        return
    prefix = unique_prefix()
    buckets = await RedisTokenBuckets.connect(REDIS_URL, prefix=prefix)
    try:
        yield Harness(buckets, asyncio.sleep)
    finally:
        await buckets.close()
        await delete_prefixed(REDIS_URL, prefix)


def new_key() -> str:
    return rate_limit_key("test-bucket", uuid.uuid4().hex)


async def test_a_new_bucket_is_full_and_takes_count_down(harness: Harness) -> None:
    key = new_key()
    decisions = [await harness.buckets.take(key, 1, SLOW) for _ in range(3)]
    assert [(d.allowed, d.remaining, d.retry_after_seconds) for d in decisions] == [
        (True, 2, 0),
        (True, 1, 0),
        (True, 0, 0),
    ]


async def test_a_take_costs_its_cost_all_or_nothing(harness: Harness) -> None:
    key = new_key()
    assert (await harness.buckets.take(key, 2, SLOW)).remaining == 1
    refused = await harness.buckets.take(key, 2, SLOW)
    assert (refused.allowed, refused.remaining) == (False, 1)
    assert 9 <= refused.retry_after_seconds <= 10, "one more token comes in ten seconds"
    assert (await harness.buckets.take(key, 1, SLOW)).allowed, "the refusal took nothing"
    assert not (await harness.buckets.take(key, 1, SLOW)).allowed


async def test_the_bucket_refills_at_its_rate_up_to_its_capacity(harness: Harness) -> None:
    key = new_key()
    assert (await harness.buckets.take(key, 5, TWO_A_SECOND)).remaining == 0
    await harness.wait(0.6)  # a token and a fifth
    assert (await harness.buckets.take(key, 1, TWO_A_SECOND)).allowed
    assert not (await harness.buckets.take(key, 1, TWO_A_SECOND)).allowed
    await harness.wait(3.0)  # six more would come; five fit
    assert (await harness.buckets.take(key, 5, TWO_A_SECOND)).remaining == 0


async def test_buckets_are_independent(harness: Harness) -> None:
    one, other = new_key(), new_key()
    assert (await harness.buckets.take(one, 3, SLOW)).allowed
    assert not (await harness.buckets.take(one, 1, SLOW)).allowed
    assert (await harness.buckets.take(other, 3, SLOW)).allowed


async def test_concurrent_takes_never_take_more_than_the_bucket_holds(harness: Harness) -> None:
    key, bucket = new_key(), TokenBucket(capacity=60, refill_per_minute=1)
    decisions = await asyncio.gather(*(harness.buckets.take(key, 3, bucket) for _ in range(40)))
    assert sum(d.allowed for d in decisions) == 20
    assert sorted(d.remaining for d in decisions if d.allowed) == list(range(0, 60, 3))


async def test_arguments_out_of_bounds_are_refused(harness: Harness) -> None:
    for key, cost in [("", 1), ("k" * 513, 1), ("k", 0), ("k", 4)]:
        with pytest.raises(ValueError, match=r"must be|characters"):
            await harness.buckets.take(key, cost, SLOW)


def test_a_bucket_holds_and_refills_at_least_one_token() -> None:
    for capacity, refill in [(0, 1), (1, 0), (100_001, 1), (1, 1_000_001)]:
        with pytest.raises(ValueError, match="bucket"):
            TokenBucket(capacity, refill)


async def test_a_redis_bucket_expires_once_it_would_be_full_again() -> None:
    prefix = unique_prefix()
    buckets = await RedisTokenBuckets.connect(REDIS_URL, prefix=prefix)
    raw = Redis.from_url(REDIS_URL)
    key = new_key()
    try:
        await buckets.take(key, 2, TWO_A_SECOND)  # two tokens short: full again in a second
        assert 1_000 < await raw.pttl(prefix + key) <= 2_000
    finally:
        await buckets.close()
        await delete_prefixed(REDIS_URL, prefix)
        await raw.aclose()


async def test_with_redis_down_every_take_is_allowed_with_one_warning_and_limits_return_with_it(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    buckets = await RedisTokenBuckets.connect(redis_server.url, backoff=(0.05, 0.2))
    key = new_key()
    try:
        taken = await buckets.take(key, 3, SLOW)
        assert (taken.allowed, taken.counted) == (True, True)
        refused = await buckets.take(key, 1, SLOW)
        assert (refused.allowed, refused.counted) == (False, True)

        await redis_server.kill()
        decisions = [await buckets.take(key, 3, SLOW) for _ in range(20)]
        decisions += await asyncio.gather(*(buckets.take(key, 3, SLOW) for _ in range(20)))
        assert all(d.allowed and not d.counted for d in decisions)
        warnings = [
            r.getMessage()
            for r in caplog.records
            if r.name == "adapters.redis.token_buckets" and r.levelno == logging.WARNING
        ]
        assert len(warnings) == 1
        assert "failing open" in warnings[0]

        await redis_server.start()

        async def limited_again() -> bool:
            await buckets.take(key, 3, SLOW)
            return not (await buckets.take(key, 1, SLOW)).allowed

        assert await eventually(limited_again)
    finally:
        await buckets.close()
