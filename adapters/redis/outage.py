"""`Outage`: whether Redis answers, logged once per change, with spaced-out retries while it does not.

While Redis is down, requests skip it without waiting; one request per backoff interval probes it.
"""

from __future__ import annotations

import logging
import time

from adapters.memory.lru import Clock

CACHE_LOG = logging.getLogger("adapters.redis.cache")


class Outage:
    def __init__(
        self,
        *,
        first_backoff: float = 0.2,
        max_backoff: float = 5.0,
        clock: Clock = time.monotonic,
        what: str = "Redis cache",
        consequence: str = "serving without it until it returns",
        log: logging.Logger = CACHE_LOG,
    ) -> None:
        if not 0 < first_backoff <= max_backoff:
            raise ValueError("backoffs must satisfy 0 < first_backoff <= max_backoff")
        self._what = what
        self._consequence = consequence
        self._log = log
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._clock = clock
        self._backoff = first_backoff
        self._retry_at = 0.0
        self._probing = False
        self.down = False

    def may_try(self) -> bool:
        """True when a request may call Redis: always while it is up, once per interval while down.

        A caller that got True must then report `failed`, `succeeded` or `abandoned`.
        """
        if not self.down:
            return True
        if self._probing or self._clock() < self._retry_at:
            return False
        self._probing = True
        return True

    def failed(self, error: BaseException) -> bool:
        """A request's call failed; True if that starts an outage."""
        probed, self._probing = self._probing, False
        if not self.down:
            return self.noticed(error)
        if probed:
            self._backoff = min(self._backoff * 2, self._max_backoff)
            self._retry_at = self._clock() + self._backoff
        return False

    def noticed(self, error: BaseException) -> bool:
        """Redis failed outside a request (a background connection); True if that starts an outage."""
        if self.down:
            return False
        self.down = True
        self._backoff = self._first_backoff
        self._retry_at = self._clock() + self._backoff
        # The error's class only: its text could echo a command's arguments.
        self._log.warning("%s unreachable (%s): %s", self._what, type(error).__name__, self._consequence)
        return True

    def succeeded(self) -> bool:
        """Record an answer; True if this ends an outage."""
        self._probing = False
        if not self.down:
            return False
        self.down = False
        self._log.info("%s reachable again", self._what)
        return True

    def abandoned(self) -> None:
        """The probing request was cancelled before Redis answered."""
        self._probing = False
