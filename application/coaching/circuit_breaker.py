"""A circuit breaker per provider: after `failures` consecutive failures it opens for `cool_down` seconds
(the fallback chain skips the provider then), and the first call after the cool-down is a trial that
closes it again on success or reopens it on failure."""

from __future__ import annotations

import time
from collections.abc import Callable


class CircuitBreaker:
    def __init__(
        self,
        *,
        failures: int = 3,
        cool_down_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1 or cool_down_seconds < 0:
            raise ValueError("failures must be 1 or more and the cool-down 0 or more")
        self._threshold = failures
        self._cool_down = cool_down_seconds
        self._clock = clock
        self._consecutive = 0
        self._open_until: float | None = None

    @property
    def is_open(self) -> bool:
        return self._open_until is not None and self._clock() < self._open_until

    def allows(self) -> bool:
        """True when a call may go through: closed, or the cool-down is over (a trial call)."""
        return not self.is_open

    def succeeded(self) -> None:
        self._consecutive = 0
        self._open_until = None

    def failed(self) -> None:
        self._consecutive += 1
        if self._consecutive >= self._threshold:
            self._open_until = self._clock() + self._cool_down
