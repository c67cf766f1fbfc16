"""`RedisRateLimiter`: the `RateLimiter` port on Redis, shared by every API replica.

Each key is a sorted set of its allowed hits in the window (members are the hits' ids), scored by Redis's
own clock in milliseconds (so replicas with skewed clocks agree). One Lua script drops the expired hits,
counts, and adds the new one if allowed, atomically: concurrent hits from any number of replicas never let
more than `limit` through. `forget` removes one member; `count` counts the members in the window.

Redis down or slow: fail open. Every hit is allowed, the outage is logged once and its end once; while
Redis is down hits skip it without waiting, and one per backoff interval probes it. The socket timeout
(`DEFAULT_TIMEOUT_SECONDS`) is longer than the caches', since a false outage here lets requests through
unlimited, and a hit (an authentication mutation) can afford it.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from redis.asyncio import Redis

from adapters.redis.clients import request_client
from adapters.redis.health import RedisHealth
from application.rate_limits import RateDecision, check_hit, check_key, check_window

log = logging.getLogger("adapters.redis.rate_limits")
DEFAULT_TIMEOUT_SECONDS = 0.5

# KEYS[1] the key; ARGV: limit, window in ms, a unique member for this hit.
# Returns {allowed (0/1), remaining, retry after in ms}.
SLIDING_WINDOW = """
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest_counted = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  return {0, 0, tonumber(oldest_counted[2]) + window - now}
end
redis.call('ZADD', key, now, ARGV[3])
redis.call('PEXPIRE', key, window)
return {1, limit - count - 1, 0}
"""


# KEYS[1] the key; ARGV[1] the window in ms. Read only.
COUNT_IN_WINDOW = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')
"""


class RedisRateLimiter:
    def __init__(self, client: Redis, *, prefix: str = "", backoff: tuple[float, float] = (0.2, 5.0)) -> None:
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(SLIDING_WINDOW)
        self._count = client.register_script(COUNT_IN_WINDOW)
        self._health = RedisHealth(
            "rate limits",
            log,
            consequence="allowing every request (failing open) until it returns",
            first_backoff=backoff[0],
            max_backoff=backoff[1],
        )

    @classmethod
    async def connect(
        cls, url: str, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS, **options: Any
    ) -> RedisRateLimiter:
        """Never fails for an unreachable Redis: hits are allowed until it answers."""
        return cls(request_client(url, timeout_seconds=timeout_seconds), **options)

    async def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        check_hit(key, limit, window_seconds)
        hit_id = uuid.uuid4().hex
        args: list[int | str] = [limit, window_seconds * 1000, hit_id]
        reply = await self._health.call(lambda: self._script(keys=[self._prefix + key], args=args))
        if reply is None:
            return RateDecision(True, limit - 1, 0.0, hit_id, counted=False)  # fail open
        allowed, remaining, retry_after_ms = reply
        if not allowed:
            return RateDecision(False, int(remaining), int(retry_after_ms) / 1000)
        return RateDecision(True, int(remaining), 0.0, hit_id)

    async def count(self, key: str, window_seconds: int) -> int:
        check_key(key)
        check_window(window_seconds)
        args = [window_seconds * 1000]
        reply = await self._health.call(lambda: self._count(keys=[self._prefix + key], args=args))
        return 0 if reply is None else int(reply)  # fail open: nothing counted

    async def forget(self, key: str, hit_id: str) -> None:
        check_key(key)
        await self._health.call(lambda: self._client.zrem(self._prefix + key, hit_id))

    async def close(self) -> None:
        await self._client.aclose()
