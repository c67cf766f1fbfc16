"""The `PersistedQueries` port: the store behind Apollo's Automatic Persisted Queries.

A client first sends only a query's SHA-256; on a miss the API answers PERSISTED_QUERY_NOT_FOUND, the client
sends the query with its hash, and the API checks the hash (the store verifies nothing) and puts it. Losing
an entry only costs a client one extra round trip, so stores evict and expire freely, and an unreachable
store behaves as an empty one. Sizes are bounded: a query over `max_query_bytes` is not stored.
"""

from __future__ import annotations

import re
from typing import Protocol

DEFAULT_MAX_QUERY_BYTES = 100_000
DEFAULT_TTL_SECONDS = 24 * 3600
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class PersistedQueries(Protocol):
    async def get(self, sha256_hex: str) -> str | None:
        """The query stored under the hash, or None (unknown, evicted, expired, or the store is down)."""
        ...

    async def put(self, sha256_hex: str, query: str) -> bool:
        """Store the query under its hash (which the caller has checked); False if not stored (too large,
        or the store is down)."""
        ...

    async def close(self) -> None: ...


def check_hash(sha256_hex: str) -> None:
    """Raises ValueError unless the hash is 64 lowercase hex digits, the form Apollo clients send."""
    if not _SHA256_HEX.fullmatch(sha256_hex):
        raise ValueError("a persisted query hash is a SHA-256 in 64 lowercase hex digits")
