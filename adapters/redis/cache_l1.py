"""`L1`: the in-process LRU in front of `RedisCache`'s Redis. It serves only while the invalidation
subscription is live and Redis answers, and is emptied whenever that subscription (re)starts or ends.
"""

from __future__ import annotations

import time

import orjson

from adapters.memory.lru import Clock, VersionedLru
from adapters.redis.outage import CACHE_LOG as log
from adapters.redis.outage import Outage
from application.cache import Cached, CacheKey


class L1:
    def __init__(
        self, max_entries: int, ttl_seconds: float, outage: Outage, *, clock: Clock = time.monotonic
    ) -> None:
        self._lru = VersionedLru(max_entries, clock=clock)
        self._ttl = ttl_seconds
        self._outage = outage
        self._subscribed = False
        self._epoch = 0

    def epoch(self) -> int | None:
        """The current subscription's number while L1 may serve, else None."""
        return self._epoch if self._subscribed and not self._outage.down else None

    def get(self, name: str, epoch: int | None) -> Cached | None:
        """The held value, if L1 may serve (`epoch` is not None) and holds one."""
        hit = self._lru.get(name) if epoch is not None else None
        return None if hit is None else Cached(orjson.loads(hit[0]), hit[1])

    def remember(self, key: CacheKey, data: bytes, version: int, epoch: int | None) -> None:
        """Keep a value read from or written to Redis, with `epoch` as it was before that Redis call."""
        # Only if the subscription that was live before the Redis call still is: an invalidation
        # missed in between could otherwise leave an outdated value in L1.
        if epoch is not None and epoch == self.epoch():
            self._lru.put(key.name, data, version, min(self._ttl, key.kind.ttl_seconds))

    def invalidate(self, name: str, version: int) -> None:
        self._lru.invalidate(name, version, self._ttl)

    def evict(self, payload: bytes) -> None:
        """Apply one message (`version:name`) heard on the invalidation channel."""
        raw_version, _, name = payload.decode().partition(":")
        try:
            version = int(raw_version)
        except ValueError:
            log.error("ignored a malformed cache invalidation message")
            return
        self.invalidate(name, version)

    def clear(self) -> None:
        self._lru.clear()

    def subscribed(self) -> None:
        """The invalidation subscription (re)started: a new epoch, from an empty L1."""
        self._lru.clear()  # it may have missed invalidations while not subscribed
        self._epoch += 1
        self._subscribed = True

    def unsubscribed(self) -> None:
        self._subscribed = False
        self._lru.clear()
