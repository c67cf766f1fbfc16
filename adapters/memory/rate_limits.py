"""`InMemoryRateLimiter`: the `RateLimiter` port inside one process, for the embedded default.

Each key keeps the times and ids of its allowed hits in the window. The number of keys is bounded (least
recently hit forgotten first), so a flood of distinct keys (spoofed addresses) cannot grow memory without
bound; a forgotten key starts afresh, which only lets more through, never fewer.
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict, deque

from adapters.memory.lru import Clock
from application.rate_limits import RateDecision, check_hit, check_key, check_window

DEFAULT_MAX_KEYS = 100_000


class InMemoryRateLimiter:
    def __init__(self, *, max_keys: int = DEFAULT_MAX_KEYS, clock: Clock = time.monotonic) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self._max_keys = max_keys
        self._clock = clock
        self._hits: OrderedDict[str, deque[tuple[float, str]]] = OrderedDict()
        self._next_id = itertools.count()

    async def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        check_hit(key, limit, window_seconds)
        now = self._clock()
        hits = self._hits.pop(key, None)
        if hits is None:
            hits = deque()
        while hits and hits[0][0] <= now - window_seconds:
            hits.popleft()
        self._hits[key] = hits
        if len(hits) >= limit:
            return RateDecision(False, 0, hits[-limit][0] + window_seconds - now)
        hit_id = str(next(self._next_id))
        hits.append((now, hit_id))
        while len(self._hits) > self._max_keys:
            self._hits.popitem(last=False)
        return RateDecision(True, limit - len(hits), 0.0, hit_id)

    async def count(self, key: str, window_seconds: int) -> int:
        check_key(key)
        check_window(window_seconds)
        since = self._clock() - window_seconds
        return sum(1 for at, _ in self._hits.get(key, ()) if at > since)

    async def forget(self, key: str, hit_id: str) -> None:
        check_key(key)
        hits = self._hits.get(key)
        if hits is not None:
            self._hits[key] = deque(hit for hit in hits if hit[1] != hit_id)

    async def close(self) -> None:
        self._hits.clear()
