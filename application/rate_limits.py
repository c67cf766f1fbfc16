"""Rate-limit ports: `RateLimiter` (sliding windows) and `TokenBuckets` (bursts, then a steady rate).

`RateLimiter`: at most `limit` allowed hits per key in any window of `window_seconds`.

A sliding window: a hit is allowed while fewer than `limit` allowed hits lie in the last `window_seconds`;
refused hits do not count. An allowed hit can be taken back (`forget`), so a hit can reserve a slot for
an attempt whose outcome decides whether it counts (see login_throttle), and `count` reads a key without
hitting it. The specification's limit is 60 a minute on authentication mutations, per user and per IP
address (`AUTH_MUTATIONS`, keys from `rate_limit_key`).

An unreachable store fails open: every hit is allowed, marked not `counted` (and the outage logged once),
because an outage of the limiter must not lock every user out of signing in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

MAX_LIMIT = 10_000
"""Largest `limit`: a sliding window keeps one entry per allowed hit in the window."""
MAX_WINDOW_SECONDS = 86_400
MAX_BUCKET_CAPACITY = 100_000
MAX_REFILL_PER_MINUTE = 1_000_000
MAX_KEY_LENGTH = 512


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    remaining: int
    """Hits still allowed in the current window after this one."""
    retry_after_seconds: float
    """0 when allowed; otherwise how long until the next hit would be allowed (ceil it for Retry-After)."""
    hit_id: str | None = None
    """The allowed hit's id, for `forget`; None when refused."""
    counted: bool = True
    """False when the store could not be reached and the hit was allowed without being counted (failing
    open): a caller that must not fail open for it (login_throttle) decides another way."""


@dataclass(frozen=True, slots=True)
class RateLimit:
    limit: int
    window_seconds: int


AUTH_MUTATIONS = RateLimit(limit=60, window_seconds=60)


def rate_limit_key(scope: str, subject: str) -> str:
    """E.g. `rate_limit_key("auth-ip", "203.0.113.9")` -> `ratelimit:auth-ip:203.0.113.9`."""
    return f"ratelimit:{scope}:{subject}"


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        """Count one hit against `key` if allowed; raises ValueError for arguments out of bounds."""
        ...

    async def count(self, key: str, window_seconds: int) -> int:
        """The allowed hits against `key` in the last `window_seconds`, without hitting it."""
        ...

    async def forget(self, key: str, hit_id: str) -> None:
        """Take back an allowed hit (by `RateDecision.hit_id`); nothing if it is gone already."""
        ...

    async def close(self) -> None: ...


def check_hit(key: str, limit: int, window_seconds: int) -> None:
    check_key(key)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1 to {MAX_LIMIT}")
    check_window(window_seconds)


def check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"a rate limit key has 1 to {MAX_KEY_LENGTH} characters")


def check_window(window_seconds: int) -> None:
    if not 1 <= window_seconds <= MAX_WINDOW_SECONDS:
        raise ValueError(f"window_seconds must be 1 to {MAX_WINDOW_SECONDS}")


@dataclass(frozen=True, slots=True)
class TokenBucket:
    """A bucket of `capacity` tokens (the burst), refilled continuously at `refill_per_minute`."""

    capacity: int
    refill_per_minute: int

    def __post_init__(self) -> None:
        if not 1 <= self.capacity <= MAX_BUCKET_CAPACITY:
            raise ValueError(f"a bucket holds 1 to {MAX_BUCKET_CAPACITY} tokens")
        if not 1 <= self.refill_per_minute <= MAX_REFILL_PER_MINUTE:
            raise ValueError(f"a bucket refills 1 to {MAX_REFILL_PER_MINUTE} tokens a minute")


class TokenBuckets(Protocol):
    """Token buckets by key: a new key's bucket is full; taking is all or nothing.

    Unlike `RateLimiter`'s window, a bucket allows a burst (`capacity`) and then a steady rate, and a
    request may cost several tokens at once (a GraphQL document with several mutations). An unreachable
    store fails open, as `RateLimiter` does.
    """

    async def take(self, key: str, cost: int, bucket: TokenBucket) -> RateDecision:
        """Take `cost` tokens if the bucket holds them. `remaining` is the whole tokens left; a refusal
        takes nothing and says how long until `cost` tokens are there. ValueError for a key out of
        bounds or a cost outside 1..capacity."""
        ...

    async def close(self) -> None: ...


def check_take(key: str, cost: int, bucket: TokenBucket) -> None:
    check_key(key)
    if not 1 <= cost <= bucket.capacity:
        raise ValueError(f"cost must be 1 to the bucket's capacity ({bucket.capacity})")
