"""`InMemoryPersistedQueries`: the `PersistedQueries` port inside one process, a bounded LRU.

Bounded by the total size of the stored queries (as UTF-8) and by their number; the least recently used
go first. No time to live: the bounds alone keep it small, and an entry a client still uses stays. Unlike
Redis, whose entries expire, a full store that refused new queries would stay full for the life of the
process: hence eviction here (O(1) per put), and refusal there.
"""

from __future__ import annotations

from collections import OrderedDict

from application.persisted_queries import DEFAULT_MAX_QUERY_BYTES, check_hash

DEFAULT_MAX_TOTAL_BYTES = 32 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 10_000


class InMemoryPersistedQueries:
    def __init__(
        self,
        *,
        max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES,
        max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        if min(max_query_bytes, max_total_bytes, max_entries) < 1:
            raise ValueError("max_query_bytes, max_total_bytes and max_entries must be at least 1")
        self._max_query_bytes = min(max_query_bytes, max_total_bytes)
        self._max_total_bytes = max_total_bytes
        self._max_entries = max_entries
        self._queries: OrderedDict[str, str] = OrderedDict()
        self._sizes: dict[str, int] = {}
        self._total_bytes = 0

    async def get(self, sha256_hex: str) -> str | None:
        check_hash(sha256_hex)
        query = self._queries.get(sha256_hex)
        if query is not None:
            self._queries.move_to_end(sha256_hex)
        return query

    async def contains(self, sha256_hex: str) -> bool:
        check_hash(sha256_hex)
        return sha256_hex in self._queries

    async def put(self, sha256_hex: str, query: str) -> bool:
        check_hash(sha256_hex)
        size = len(query.encode())
        if size > self._max_query_bytes:
            return False
        self._forget(sha256_hex)
        self._queries[sha256_hex] = query
        self._sizes[sha256_hex] = size
        self._total_bytes += size
        while self._total_bytes > self._max_total_bytes or len(self._queries) > self._max_entries:
            self._forget(next(iter(self._queries)))
        return True

    async def close(self) -> None:
        self._queries.clear()
        self._sizes.clear()
        self._total_bytes = 0

    @property
    def total_bytes(self) -> int:
        return self._total_bytes

    def _forget(self, sha256_hex: str) -> None:
        if self._queries.pop(sha256_hex, None) is not None:
            self._total_bytes -= self._sizes.pop(sha256_hex)
