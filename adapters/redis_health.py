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

from redis.exceptions import RedisError

from adapters.lru import Clock

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
        if not 0 < first_backoff <= max_backoff:
            raise ValueError("backoffs must satisfy 0 < first_backoff <= max_backoff")
        self._what = what
        self._log = log
        self._consequence = consequence
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._clock = clock
        self._backoff = first_backoff
        self._retry_at = 0.0
        self._probing = False
        self.down = False

    async def call(self, operation: Callable[[], Awaitable[T]]) -> T | None:
        """The operation's answer, or None when Redis is down, failing or too slow (never raises for that)."""
        if not self._may_try():
            return None
        try:
            answer = await operation()
        except (RedisError, OSError) as error:
            self._failed(error)
            return None
        except BaseException:
            self._probing = False  # cancelled before Redis answered
            raise
        self.succeeded()
        return answer

    def noticed(self, error: BaseException) -> bool:
        """Redis failed, in a call or a background connection; True if that starts an outage."""
        if self.down:
            return False
        self.down = True
        self._backoff = self._first_backoff
        self._retry_at = self._clock() + self._backoff
        # The error's class only: its text could echo a command's arguments (a key, a query).
        self._log.warning(
            "%s: Redis unreachable (%s); %s", self._what, type(error).__name__, self._consequence
        )
        return True

    def succeeded(self) -> bool:
        """Redis answered; True if that ends an outage."""
        self._probing = False
        if not self.down:
            return False
        self.down = False
        self._log.info("%s: Redis reachable again", self._what)
        return True

    def _may_try(self) -> bool:
        if not self.down:
            return True
        if self._probing or self._clock() < self._retry_at:
            return False
        self._probing = True
        return True

    def _failed(self, error: BaseException) -> None:
        probed, self._probing = self._probing, False
        if not self.down:
            self.noticed(error)
        elif probed:
            self._backoff = min(self._backoff * 2, self._max_backoff)
            self._retry_at = self._clock() + self._backoff
