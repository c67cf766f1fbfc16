"""`InMemoryTokenBuckets`: the `TokenBuckets` port inside one process, for the embedded default.

Each key keeps its tokens and when they were counted; the refill is worked out on the next take. The
number of keys is bounded (least recently used forgotten first), and a forgotten bucket is full again,
which only lets more through, never fewer.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict

from adapters.memory.lru import Clock
from application.rate_limits import RateDecision, TokenBucket, check_take

DEFAULT_MAX_KEYS = 100_000


class InMemoryTokenBuckets:
    def __init__(self, *, max_keys: int = DEFAULT_MAX_KEYS, clock: Clock = time.monotonic) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        """key -> (tokens, counted at)"""

    async def take(self, key: str, cost: int, bucket: TokenBucket) -> RateDecision:
        check_take(key, cost, bucket)
        now = self._clock()
        per_second = bucket.refill_per_minute / 60
        tokens, at = self._buckets.pop(key, (float(bucket.capacity), now))
        tokens = min(float(bucket.capacity), tokens + max(0.0, now - at) * per_second)
        if tokens < cost:
            self._buckets[key] = (tokens, now)
            return RateDecision(False, math.floor(tokens), (cost - tokens) / per_second)
        tokens -= cost
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return RateDecision(True, math.floor(tokens), 0.0)

    async def close(self) -> None:
        self._buckets.clear()
