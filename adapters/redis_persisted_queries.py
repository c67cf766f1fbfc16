"""`RedisPersistedQueries`: the `PersistedQueries` port on Redis, shared by every API replica.

Each query is a string under `apq:{sha256}` with a time to live (24 h by default) that every read renews,
so queries in use stay and forgotten ones expire. Redis down or slow: gets miss and puts store nothing (the
client then sends the whole query, which still works); the outage is logged once and its end once.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.asyncio import Redis

from adapters.redis_clients import request_client
from adapters.redis_health import RedisHealth
from application.persisted_queries import DEFAULT_MAX_QUERY_BYTES, DEFAULT_TTL_SECONDS, check_hash

log = logging.getLogger("adapters.redis_persisted_queries")


class RedisPersistedQueries:
    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "",
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES,
        backoff: tuple[float, float] = (0.2, 5.0),
    ) -> None:
        if ttl_seconds < 1 or max_query_bytes < 1:
            raise ValueError("ttl_seconds and max_query_bytes must be at least 1")
        self._client = client
        self._prefix = prefix
        self._ttl = ttl_seconds
        self._max_query_bytes = max_query_bytes
        self._health = RedisHealth(
            "persisted queries",
            log,
            consequence="clients must send whole queries until it returns",
            first_backoff=backoff[0],
            max_backoff=backoff[1],
        )

    @classmethod
    async def connect(
        cls, url: str, *, timeout_seconds: float = 0.1, **options: Any
    ) -> RedisPersistedQueries:
        """Never fails for an unreachable Redis: it behaves as an empty store until Redis answers."""
        return cls(request_client(url, timeout_seconds=timeout_seconds), **options)

    async def get(self, sha256_hex: str) -> str | None:
        check_hash(sha256_hex)
        key = self._key(sha256_hex)
        found = await self._health.call(lambda: self._client.getex(key, ex=self._ttl))
        return found.decode() if isinstance(found, bytes) else None

    async def put(self, sha256_hex: str, query: str) -> bool:
        check_hash(sha256_hex)
        data = query.encode()
        if len(data) > self._max_query_bytes:
            return False
        key = self._key(sha256_hex)
        return bool(await self._health.call(lambda: self._client.set(key, data, ex=self._ttl)))

    async def close(self) -> None:
        await self._client.aclose()

    def _key(self, sha256_hex: str) -> str:
        return f"{self._prefix}apq:{sha256_hex}"
