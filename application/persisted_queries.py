"""The `PersistedQueries` port, the store behind Apollo's Automatic Persisted Queries, and
`PersistedQueryRegistrations`, which decides what a client may add to it.

A client first sends only a query's SHA-256; on a miss the API answers PERSISTED_QUERY_NOT_FOUND, the client
sends the query with its hash, and the API checks the hash (the store verifies nothing), runs the query and
then registers it. Losing an entry only costs a client one extra round trip, so stores evict, expire and
refuse freely, and an unreachable store behaves as an empty one. Sizes are bounded: a query over
`max_query_bytes` is not stored, and neither is one past the store's total budget.

Registration is open to anonymous clients, so it is bounded three ways: only a document that parsed and
validated against the schema is registered (the caller runs it first), a new hash counts against a rate
limit per client address (`APQ_REGISTRATIONS_SCOPE`), and the store keeps to its byte budget.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Protocol

from application.rate_limits import RateLimit, RateLimiter, rate_limit_key

DEFAULT_MAX_QUERY_BYTES = 100_000
DEFAULT_TTL_SECONDS = 24 * 3600
APQ_REGISTRATIONS_SCOPE = "apq-ip"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class PersistedQueries(Protocol):
    async def get(self, sha256_hex: str) -> str | None:
        """The query stored under the hash, or None (unknown, evicted, expired, or the store is down)."""
        ...

    async def contains(self, sha256_hex: str) -> bool:
        """Whether a query is stored under the hash (False if the store is down)."""
        ...

    async def put(self, sha256_hex: str, query: str) -> bool:
        """Store the query under its hash (which the caller has checked); False if not stored (too large,
        over the store's budget, or the store is down)."""
        ...

    async def close(self) -> None: ...


def check_hash(sha256_hex: str) -> None:
    """Raises ValueError unless the hash is 64 lowercase hex digits, the form Apollo clients send."""
    if not _SHA256_HEX.fullmatch(sha256_hex):
        raise ValueError("a persisted query hash is a SHA-256 in 64 lowercase hex digits")


class Registration(enum.StrEnum):
    KNOWN = "known"
    """The store already held the hash: nothing counted, nothing written."""
    STORED = "stored"
    RATE_LIMITED = "rate limited"
    """The client address registered its quota of new queries in the window."""
    NOT_STORED = "not stored"
    """The store refused it: too large, over its budget, or down."""


@dataclass(frozen=True, slots=True)
class PersistedQueryRegistrations:
    store: PersistedQueries
    limiter: RateLimiter
    limit: RateLimit

    async def register(self, sha256_hex: str, query: str, client_address: str) -> Registration:
        """Keep `query`, which the caller has checked against its hash and run without a parse or validation
        error. Only a hash new to the store counts against `client_address`'s limit."""
        if await self.store.contains(sha256_hex):
            return Registration.KNOWN
        key = rate_limit_key(APQ_REGISTRATIONS_SCOPE, client_address)
        if not (await self.limiter.hit(key, self.limit.limit, self.limit.window_seconds)).allowed:
            return Registration.RATE_LIMITED
        return Registration.STORED if await self.store.put(sha256_hex, query) else Registration.NOT_STORED
