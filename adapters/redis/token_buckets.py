"""`RedisTokenBuckets`: the `TokenBuckets` port on Redis, shared by every API replica.

A bucket is a hash (`tokens`, `at`: when they were counted, in ms of Redis's own clock, so replicas with
skewed clocks agree). One Lua script refills it for the time since, takes the cost if the tokens are
there, and writes it back, atomically: concurrent requests on any number of replicas never take more than
the bucket holds. A key expires once its bucket would be full again, since a missing key is a full bucket.

Redis down or slow: fail open, with the outage logged once and its end once (`RedisHealth`), as
`RedisRateLimiter` does: an outage of the limiter must not stop every user's writes.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.asyncio import Redis

from adapters.redis.clients import request_client
from adapters.redis.health import RedisHealth
from application.rate_limits import RateDecision, TokenBucket, check_take

log = logging.getLogger("adapters.redis.token_buckets")
DEFAULT_TIMEOUT_SECONDS = 0.5

# KEYS[1] the bucket; ARGV: capacity, refill in tokens per ms, cost.
# Returns {taken (0/1), whole tokens left, ms until `cost` tokens are there}.
TAKE = """
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
elseif now > at then
  tokens = math.min(capacity, tokens + (now - at) * per_ms)
end
if tokens < cost then
  return {0, math.floor(tokens), math.ceil((cost - tokens) / per_ms)}
end
tokens = tokens - cost
redis.call('HSET', key, 'tokens', string.format('%.6f', tokens), 'at', string.format('%.3f', now))
redis.call('PEXPIRE', key, math.ceil((capacity - tokens) / per_ms) + 1000)
return {1, math.floor(tokens), 0}
"""


class RedisTokenBuckets:
    def __init__(self, client: Redis, *, prefix: str = "", backoff: tuple[float, float] = (0.2, 5.0)) -> None:
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(TAKE)
        self._health = RedisHealth(
            "mutation rate limits",
            log,
            consequence="allowing every mutation (failing open) until it returns",
            first_backoff=backoff[0],
            max_backoff=backoff[1],
        )

    @classmethod
    async def connect(
        cls, url: str, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS, **options: Any
    ) -> RedisTokenBuckets:
        """Never fails for an unreachable Redis: takes are allowed until it answers."""
        return cls(request_client(url, timeout_seconds=timeout_seconds), **options)

    async def take(self, key: str, cost: int, bucket: TokenBucket) -> RateDecision:
        check_take(key, cost, bucket)
        args: list[int | float] = [bucket.capacity, bucket.refill_per_minute / 60_000, cost]
        reply = await self._health.call(lambda: self._script(keys=[self._prefix + key], args=args))
        if reply is None:
            return RateDecision(True, bucket.capacity - cost, 0.0, counted=False)  # fail open
        taken, remaining, retry_after_ms = reply
        return RateDecision(bool(taken), int(remaining), int(retry_after_ms) / 1000)

    async def close(self) -> None:
        await self._client.aclose()
