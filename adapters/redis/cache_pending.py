"""`PendingInvalidations`: the invalidations `RedisCache` could not send to Redis, replayed once it answers
again; the newest version per key, for the most recent `MAX_PENDING` keys.
"""

from __future__ import annotations

from collections import OrderedDict

from application.cache import CacheKey

MAX_PENDING = 10_000


class PendingInvalidations:
    def __init__(self, max_keys: int = MAX_PENDING) -> None:
        self._max_keys = max_keys
        self._by_name: OrderedDict[str, tuple[CacheKey, int]] = OrderedDict()

    def __bool__(self) -> bool:
        return bool(self._by_name)

    def add(self, key: CacheKey, version: int) -> None:
        """Keep the newer of `version` and any held for the key; past the bound, the oldest keys go."""
        _, pending_version = self._by_name.pop(key.name, (key, version))
        self._by_name[key.name] = (key, max(version, pending_version))
        while len(self._by_name) > self._max_keys:
            self._by_name.popitem(last=False)

    def pop_oldest(self) -> tuple[CacheKey, int]:
        _, (key, version) = self._by_name.popitem(last=False)
        return key, version

    def put_back(self, key: CacheKey, version: int) -> None:
        """Keep one that `pop_oldest` gave and that failed again."""
        self._by_name[key.name] = (key, version)
