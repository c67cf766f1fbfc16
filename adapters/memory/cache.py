"""`InMemoryCache`: the `Cache` port inside the process, for the embedded default without Redis.

Same rules as `RedisCache`: the TTL of each `CacheKind`, versioned entries, tombstones on invalidation.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import orjson

from adapters.memory.lru import Clock, VersionedLru
from application.cache import Cached, CacheKey

DEFAULT_MAX_ENTRIES = 10_000


class InMemoryCache:
    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES, *, clock: Clock = time.monotonic) -> None:
        self._entries = VersionedLru(max_entries, clock=clock)

    async def get(self, key: CacheKey) -> Cached | None:
        found = self._entries.get(key.name)
        if found is None:
            return None
        data, version = found
        return Cached(orjson.loads(data), version)

    async def get_many(self, keys: Sequence[CacheKey]) -> list[Cached | None]:
        return [await self.get(key) for key in keys]

    async def put(self, key: CacheKey, value: Any, version: int) -> bool:
        return self._entries.put(key.name, orjson.dumps(value), version, key.kind.ttl_seconds)

    async def invalidate(self, key: CacheKey, version: int) -> None:
        self._entries.invalidate(key.name, version, key.kind.ttl_seconds)

    async def close(self) -> None:
        self._entries.clear()
