"""`L2`: `RedisCache`'s entries in Redis. Each key (behind the prefix) is a hash of version `v` and JSON
data `d`, written only by the Lua scripts of `redis_scripts`, which also publish every invalidation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis

from adapters.redis.scripts import INVALIDATE, PUT
from application.cache import CacheKey

Entry = tuple[bytes, int]
"""JSON data and its version."""


def entry(reply: Sequence[Any]) -> Entry | None:
    """The entry an HMGET of `v` and `d` answered; None if the key is absent, or a tombstone."""
    raw_version, data = reply
    if not isinstance(data, bytes) or raw_version is None:
        return None
    return data, int(raw_version)


class L2:
    def __init__(self, client: Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self.channel = f"{prefix}cache-invalidations"
        """Where the INVALIDATE script publishes, for every replica's L1."""
        self._put_script = client.register_script(PUT)
        self._invalidate_script = client.register_script(INVALIDATE)

    async def read(self, name: str) -> list[Any]:
        """The HMGET reply for `entry`."""
        return await self._client.hmget(self._prefix + name, "v", "d")

    async def read_many(self, names: Sequence[str]) -> list[Any]:
        """The HMGET replies for `entry`, in one pipelined round trip."""
        async with self._client.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hmget(self._prefix + name, "v", "d")
            return await pipe.execute()

    async def put(self, key: CacheKey, data: bytes, version: int) -> Any:
        """1 if stored, 0 if Redis holds a newer version (see `redis_scripts.PUT`)."""
        args: list[bytes | int] = [version, data, key.kind.ttl_seconds]
        return await self._put_script(keys=[self._prefix + key.name], args=args)

    async def invalidate(self, key: CacheKey, version: int) -> Any:
        """Publish the invalidation; 1 if it left a tombstone (see `redis_scripts.INVALIDATE`)."""
        args: list[str | int] = [version, key.kind.ttl_seconds, self.channel, key.name]
        return await self._invalidate_script(keys=[self._prefix + key.name], args=args)
