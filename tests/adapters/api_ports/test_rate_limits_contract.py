"""The `RateLimiter` contract: the in-process adapter and Redis pass the same tests; then Redis fails open,
its decisions marked not counted."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis.asyncio import Redis

from adapters.memory.rate_limits import InMemoryRateLimiter
from adapters.redis.rate_limits import RedisRateLimiter
from application.rate_limits import AUTH_MUTATIONS, RateLimiter, rate_limit_key
from tests.adapters.api_ports.redis_server import (
    REDIS_URL,
    RedisServer,
    delete_prefixed,
    eventually,
    unique_prefix,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Harness:
    limiter: RateLimiter
    wait: Callable[[float], Awaitable[None]]
    """Let this much time pass (a fake clock in process; real time against Redis's clock)."""


@pytest.fixture(params=["memory", "redis"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    if request.param == "memory":
        clock = FakeClock()
        memory = InMemoryRateLimiter(clock=clock)

        async def advance(seconds: float) -> None:
            clock.now += seconds

        yield Harness(memory, advance)
        await memory.close()
        return
    prefix = unique_prefix()
    limiter = await RedisRateLimiter.connect(REDIS_URL, prefix=prefix)
    try:
        yield Harness(limiter, asyncio.sleep)
    finally:
        await limiter.close()
        await delete_prefixed(REDIS_URL, prefix)


def new_key() -> str:
    return rate_limit_key("test", uuid.uuid4().hex)


async def test_hits_up_to_the_limit_are_allowed_and_count_down(harness: Harness) -> None:
    key = new_key()
    decisions = [await harness.limiter.hit(key, 3, 60) for _ in range(3)]
    assert [(d.allowed, d.remaining, d.retry_after_seconds, d.counted) for d in decisions] == [
        (True, 2, 0, True),
        (True, 1, 0, True),
        (True, 0, 0, True),
    ]


async def test_the_hit_past_the_limit_is_refused_with_the_wait_until_a_slot_frees(harness: Harness) -> None:
    key = new_key()
    for _ in range(3):
        await harness.limiter.hit(key, 3, 60)
    refused = await harness.limiter.hit(key, 3, 60)
    assert (refused.allowed, refused.remaining) == (False, 0)
    assert 59 <= refused.retry_after_seconds <= 60


async def test_refused_hits_do_not_count(harness: Harness) -> None:
    key = new_key()
    await harness.limiter.hit(key, 1, 1)
    for _ in range(5):
        assert not (await harness.limiter.hit(key, 1, 1)).allowed
    await harness.wait(1.05)
    assert (await harness.limiter.hit(key, 1, 1)).allowed


async def test_the_window_slides(harness: Harness) -> None:
    key = new_key()
    assert (await harness.limiter.hit(key, 2, 2)).allowed
    await harness.wait(1.0)
    assert (await harness.limiter.hit(key, 2, 2)).allowed
    assert not (await harness.limiter.hit(key, 2, 2)).allowed
    await harness.wait(1.1)  # the first hit left the window, the second has not
    later = await harness.limiter.hit(key, 2, 2)
    assert (later.allowed, later.remaining) == (True, 0)
    assert not (await harness.limiter.hit(key, 2, 2)).allowed


async def test_keys_are_limited_independently(harness: Harness) -> None:
    user, address = rate_limit_key("auth-user", uuid.uuid4().hex), rate_limit_key("auth-ip", "203.0.113.9")
    assert (await harness.limiter.hit(user, 1, 60)).allowed
    assert not (await harness.limiter.hit(user, 1, 60)).allowed
    assert (await harness.limiter.hit(address + uuid.uuid4().hex, 1, 60)).allowed


async def test_concurrent_hits_allow_exactly_the_limit(harness: Harness) -> None:
    key = new_key()
    limit = AUTH_MUTATIONS.limit
    decisions = await asyncio.gather(*(harness.limiter.hit(key, limit, 60) for _ in range(limit + 40)))
    assert sum(d.allowed for d in decisions) == limit
    assert sorted(d.remaining for d in decisions if d.allowed) == list(range(limit))


async def test_count_reads_the_allowed_hits_in_the_window_without_hitting(harness: Harness) -> None:
    key = new_key()
    assert await harness.limiter.count(key, 2) == 0
    await harness.limiter.hit(key, 2, 2)
    await harness.wait(1.0)
    await harness.limiter.hit(key, 2, 2)
    await harness.limiter.hit(key, 2, 2)  # refused: not counted
    assert [await harness.limiter.count(key, 2) for _ in range(3)] == [2, 2, 2]
    await harness.wait(1.1)
    assert await harness.limiter.count(key, 2) == 1


async def test_a_forgotten_hit_frees_its_slot(harness: Harness) -> None:
    key = new_key()
    first = await harness.limiter.hit(key, 2, 60)
    second = await harness.limiter.hit(key, 2, 60)
    assert first.hit_id is not None
    assert second.hit_id not in (None, first.hit_id)
    refused = await harness.limiter.hit(key, 2, 60)
    assert (refused.allowed, refused.hit_id) == (False, None)

    await harness.limiter.forget(key, first.hit_id)
    await harness.limiter.forget(key, first.hit_id)  # twice is harmless
    await harness.limiter.forget(new_key(), first.hit_id)  # so is an unknown key

    assert await harness.limiter.count(key, 60) == 1
    assert (await harness.limiter.hit(key, 2, 60)).allowed
    assert not (await harness.limiter.hit(key, 2, 60)).allowed


async def test_arguments_out_of_bounds_are_refused(harness: Harness) -> None:
    for key, limit, window in [("", 1, 1), ("k" * 513, 1, 1), ("k", 0, 1), ("k", 10_001, 1), ("k", 1, 0)]:
        with pytest.raises(ValueError, match=r"must be|characters"):
            await harness.limiter.hit(key, limit, window)
    for key, window in [("", 1), ("k" * 513, 1), ("k", 0), ("k", 86_401)]:
        with pytest.raises(ValueError, match=r"must be|characters"):
            await harness.limiter.count(key, window)
    with pytest.raises(ValueError, match="characters"):
        await harness.limiter.forget("", "some-hit")


def test_the_auth_mutations_limit_is_the_specified_sixty_a_minute() -> None:
    assert (AUTH_MUTATIONS.limit, AUTH_MUTATIONS.window_seconds) == (60, 60)
    assert rate_limit_key("auth-ip", "203.0.113.9") == "ratelimit:auth-ip:203.0.113.9"


async def test_redis_keys_expire_with_their_window() -> None:
    prefix = unique_prefix()
    limiter = await RedisRateLimiter.connect(REDIS_URL, prefix=prefix)
    raw = Redis.from_url(REDIS_URL)
    key = new_key()
    try:
        await limiter.hit(key, 5, 30)
        assert 29_000 <= await raw.pttl(prefix + key) <= 30_000
    finally:
        await limiter.close()
        await delete_prefixed(REDIS_URL, prefix)
        await raw.aclose()


def limiter_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "adapters.redis.rate_limits" and r.levelno == logging.WARNING
    ]


async def test_with_redis_down_every_hit_is_allowed_with_one_warning_and_limits_return_with_it(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = await RedisRateLimiter.connect(redis_server.url, backoff=(0.05, 0.2))
    key = new_key()
    try:
        allowed = await limiter.hit(key, 1, 60)
        assert (allowed.allowed, allowed.counted) == (True, True)
        refused = await limiter.hit(key, 1, 60)
        assert (refused.allowed, refused.counted) == (False, True)

        await redis_server.kill()
        decisions = [await limiter.hit(key, 1, 60) for _ in range(30)]
        decisions += await asyncio.gather(*(limiter.hit(key, 1, 60) for _ in range(30)))
        assert all(d.allowed and not d.counted for d in decisions)
        assert await limiter.count(key, 60) == 0
        await limiter.forget(key, "any-hit")
        assert len(limiter_warnings(caplog)) == 1
        assert "failing open" in limiter_warnings(caplog)[0]

        await redis_server.start()  # empty: the restarted server kept nothing

        async def limited_again() -> bool:
            return not (await limiter.hit(key, 1, 60)).allowed

        assert await eventually(limited_again)
        assert len(limiter_warnings(caplog)) == 1
    finally:
        await limiter.close()


async def test_a_limiter_started_while_redis_is_down_allows_and_later_limits(tmp_path: Path) -> None:
    server = RedisServer(tmp_path)
    limiter = await RedisRateLimiter.connect(server.url, backoff=(0.05, 0.2))
    key = new_key()
    try:
        assert all([(await limiter.hit(key, 1, 60)).allowed for _ in range(3)])
        await server.start()

        async def limited() -> bool:
            return not (await limiter.hit(key, 1, 60)).allowed

        assert await eventually(limited)
    finally:
        await limiter.close()
        await server.kill()
