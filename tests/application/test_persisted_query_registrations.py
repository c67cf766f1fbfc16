"""`PersistedQueryRegistrations`: a hash new to the store counts against the client address's rate limit,
one the store holds costs nothing, and what the store refuses is reported, never raised."""

from __future__ import annotations

import hashlib
import uuid

from adapters.memory.persisted_queries import InMemoryPersistedQueries
from adapters.memory.rate_limits import InMemoryRateLimiter
from application.persisted_queries import PersistedQueryRegistrations, Registration
from application.rate_limits import RateLimit


def query(padding: int = 0) -> str:
    return f"query Q{uuid.uuid4().hex} {{ __typename }}" + " " * padding


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def registrations(limit: int = 2, max_query_bytes: int = 1_000) -> PersistedQueryRegistrations:
    store = InMemoryPersistedQueries(max_query_bytes=max_query_bytes)
    limit_per_minute = RateLimit(limit=limit, window_seconds=60)
    return PersistedQueryRegistrations(store, InMemoryRateLimiter(), limit_per_minute)


async def test_new_hashes_count_against_the_address_and_known_ones_do_not() -> None:
    registry = registrations(limit=2)
    first, second, third = query(), query(), query()
    assert await registry.register(sha(first), first, "203.0.113.9") is Registration.STORED
    for _ in range(5):
        assert await registry.register(sha(first), first, "203.0.113.9") is Registration.KNOWN
    assert await registry.register(sha(second), second, "203.0.113.9") is Registration.STORED
    assert await registry.register(sha(third), third, "203.0.113.9") is Registration.RATE_LIMITED
    assert await registry.store.get(sha(third)) is None
    assert await registry.register(sha(third), third, "198.51.100.7") is Registration.STORED, "per address"


async def test_a_query_the_store_refuses_is_reported_as_not_stored() -> None:
    registry = registrations(max_query_bytes=100)
    too_large = query(padding=200)
    assert await registry.register(sha(too_large), too_large, "203.0.113.9") is Registration.NOT_STORED
    assert await registry.store.contains(sha(too_large)) is False
