"""The login throttle does not fail open with Redis: the replica's own record of the attempts it saw
decides while Redis cannot count, so guessing from one address stays within the limit through an outage
(the failures counted before it included) and the owner still signs in from elsewhere."""

from __future__ import annotations

import pytest

from adapters.memory.rate_limits import InMemoryRateLimiter
from adapters.redis.rate_limits import RedisRateLimiter
from application.login_throttle import LoginThrottle, LoginThrottled, LoginThrottlePolicy
from tests.adapters.api_ports.redis_server import RedisServer

POLICY = LoginThrottlePolicy(failures_per_address=5, account_failure_threshold=20, window_seconds=900)
EMAIL = "olga@example.com"
ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"


async def guess(throttle: LoginThrottle, address: str = ATTACKER) -> None:
    """One wrong password from `address`."""
    await throttle.failed(await throttle.admit(EMAIL, address))


async def test_guesses_through_an_outage_stay_within_the_limit_counting_those_before_it(
    redis_server: RedisServer,
) -> None:
    shared = await RedisRateLimiter.connect(redis_server.url, backoff=(0.05, 0.2))
    throttle = LoginThrottle(shared, POLICY, local=InMemoryRateLimiter())
    try:
        for _ in range(3):
            await guess(throttle)
        await redis_server.kill()

        for _ in range(2):
            await guess(throttle)
        with pytest.raises(LoginThrottled) as refused:
            await guess(throttle)
        assert 0 < refused.value.retry_after_seconds <= POLICY.window_seconds

        owner = await throttle.admit(EMAIL, OWNER)  # a right password from another address
        await throttle.done(owner)
    finally:
        await shared.close()


async def test_a_right_password_during_an_outage_gives_its_slot_back(redis_server: RedisServer) -> None:
    shared = await RedisRateLimiter.connect(redis_server.url, backoff=(0.05, 0.2))
    throttle = LoginThrottle(shared, POLICY, local=InMemoryRateLimiter())
    try:
        await redis_server.kill()
        for _ in range(POLICY.failures_per_address * 2):
            await throttle.done(await throttle.admit(EMAIL, ATTACKER))
        for _ in range(POLICY.failures_per_address):
            await guess(throttle)
        with pytest.raises(LoginThrottled):
            await guess(throttle)
    finally:
        await shared.close()


async def test_without_a_local_record_an_outage_lets_every_guess_through(redis_server: RedisServer) -> None:
    """What the local record is for: the shared limiter alone fails open."""
    shared = await RedisRateLimiter.connect(redis_server.url, backoff=(0.05, 0.2))
    throttle = LoginThrottle(shared, POLICY)
    try:
        await redis_server.kill()
        guesses = 0
        for _ in range(POLICY.failures_per_address * 3):
            await guess(throttle)
            guesses += 1
        assert guesses == POLICY.failures_per_address * 3
    finally:
        await shared.close()


async def test_with_redis_up_the_shared_count_decides_across_replicas(redis_server: RedisServer) -> None:
    """Two replicas, each with its own local record: the limit holds across both, as Redis counts."""
    first = await RedisRateLimiter.connect(redis_server.url)
    second = await RedisRateLimiter.connect(redis_server.url)
    replicas = [
        LoginThrottle(first, POLICY, local=InMemoryRateLimiter()),
        LoginThrottle(second, POLICY, local=InMemoryRateLimiter()),
    ]
    try:
        for attempt in range(POLICY.failures_per_address):
            await guess(replicas[attempt % 2])
        for replica in replicas:
            with pytest.raises(LoginThrottled):
                await guess(replica)
    finally:
        await first.close()
        await second.close()
