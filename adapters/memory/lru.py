"""`VersionedLru`: a bounded, in-process LRU of versioned, expiring entries.

It is the whole store of `InMemoryCache` and the L1 of `RedisCache`. Values are kept as encoded JSON
bytes, so callers never share (and mutate) one object. An invalidation leaves a tombstone holding its
version, so a slow writer with an older value cannot put it back while the tombstone lives; like any
entry, a tombstone can be pushed out by the size bound, which only matters once the cache is full.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class _Entry:
    data: bytes | None
    """None for a tombstone."""
    version: int
    expires_at: float


class VersionedLru:
    def __init__(self, max_entries: int, *, clock: Clock = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> tuple[bytes, int] | None:
        """The live value and its version, or None (absent, expired or invalidated)."""
        entry = self._live(key)
        if entry is None or entry.data is None:
            return None
        self._entries.move_to_end(key)
        return entry.data, entry.version

    def put(self, key: str, data: bytes, version: int, ttl_seconds: float) -> bool:
        """Store unless a value of `version` or newer, or a newer invalidation, is held."""
        held = self._live(key)
        if held is not None and (
            held.version > version or (held.version == version and held.data is not None)
        ):
            return False
        self._store(key, _Entry(data, version, self._clock() + ttl_seconds))
        return True

    def invalidate(self, key: str, version: int, ttl_seconds: float) -> bool:
        """Replace the entry by a tombstone unless it already reflects `version` or newer."""
        held = self._live(key)
        if held is not None and held.version >= version:
            return False
        self._store(key, _Entry(None, version, self._clock() + ttl_seconds))
        return True

    def clear(self) -> None:
        self._entries.clear()

    def _live(self, key: str) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at <= self._clock():
            del self._entries[key]
            return None
        return entry

    def _store(self, key: str, entry: _Entry) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
