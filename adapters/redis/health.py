"""`RedisHealth`: whether Redis answers one adapter, logged once per change, with spaced-out probes while
it does not.

The same rules as the cache's `Outage`, for the adapters that must never fail a request because Redis is
down (pub/sub, rate limits, persisted queries): while Redis is down, calls skip it without waiting, and one
call per backoff interval probes it. Each adapter names itself in the log lines, so an operator sees which
part of the API is running degraded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from adapters.memory.lru import Clock
from adapters.redis.outage import Outage, is_redis_failure

T = TypeVar("T")


class RedisHealth:
    def __init__(
        self,
        what: str,
        log: logging.Logger,
        *,
        consequence: str,
        first_backoff: float = 0.2,
        max_backoff: float = 5.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self._outage = Outage(
            first_backoff=first_backoff,
            max_backoff=max_backoff,
            clock=clock,
            what=f"{what}: Redis",
            consequence=consequence,
            log=log,
        )

    @property
    def down(self) -> bool:
        return self._outage.down

    async def call(self, operation: Callable[[], Awaitable[T]]) -> T | None:
        """The operation's answer, or None when Redis is down, failing or too slow (never raises for that)."""
        if not self._outage.may_try():
            return None
        try:
            answer = await operation()
        except BaseException as error:
            if not is_redis_failure(error):
                self._outage.abandoned()  # cancelled before Redis answered
                raise
            self._outage.failed(error)
            return None
        self._outage.succeeded()
        return answer

    def noticed(self, error: BaseException) -> bool:
        """Redis failed in a background connection; True if that starts an outage."""
        return self._outage.noticed(error)

    def succeeded(self) -> bool:
        """Redis answered; True if that ends an outage."""
        return self._outage.succeeded()
