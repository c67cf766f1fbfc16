"""`VersionedLru` (the store of `InMemoryCache`, the L1 of `RedisCache`): bounded, least recent out."""

from __future__ import annotations

import pytest

from adapters.memory.cache import InMemoryCache
from adapters.memory.lru import VersionedLru
from application.cache import CacheKey


def test_the_least_recently_used_entry_goes_first_when_full() -> None:
    lru = VersionedLru(2)
    lru.put("a", b"1", 1, 60)
    lru.put("b", b"2", 1, 60)
    assert lru.get("a") is not None  # "b" is now the least recently used
    lru.put("c", b"3", 1, 60)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == ((b"1", 1), None, (b"3", 1))
    assert len(lru) == 2


def test_tombstones_count_against_the_bound() -> None:
    lru = VersionedLru(2)
    lru.invalidate("a", 5, 60)
    lru.put("b", b"2", 1, 60)
    lru.put("c", b"3", 1, 60)
    assert len(lru) == 2
    assert lru.put("a", b"old", 4, 60) is True  # its tombstone was pushed out by the bound


def test_a_bound_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        VersionedLru(0)


async def test_the_in_memory_cache_keeps_at_most_its_bound() -> None:
    cache = InMemoryCache(max_entries=3)
    keys = [CacheKey.plan(f"plan-{index}") for index in range(5)]
    for key in keys:
        await cache.put(key, {"key": key.name}, 1)
    held = [key for key in keys if await cache.get(key) is not None]
    assert held == keys[2:]


async def test_a_value_handed_out_cannot_change_the_cached_one() -> None:
    cache = InMemoryCache()
    key = CacheKey.plan("p")
    await cache.put(key, {"exercises": ["Squat"]}, 1)
    first = await cache.get(key)
    assert first is not None
    first.value["exercises"].append("Lunge")
    again = await cache.get(key)
    assert again is not None
    assert again.value == {"exercises": ["Squat"]}
