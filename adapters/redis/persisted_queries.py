"""`RedisPersistedQueries`: the `PersistedQueries` port on Redis, shared by every API replica.

Each query is a string under `apq:{sha256}` with a time to live (24 h by default) that every read renews,
so queries in use stay and forgotten ones expire. Redis down or slow: gets miss and puts store nothing (the
client then sends the whole query, which still works); the outage is logged once and its end once.

All replicas together keep at most `max_total_bytes`: each query is charged its UTF-8 size plus
`BOOKKEEPING_BYTES` (its key and its two index entries in Redis, so a flood of tiny queries is bounded too).
The charges live beside the queries, kept by Lua scripts so that a check and a write are one atomic step
whatever the number of replicas: `apq-budget:bytes` (the sum), `apq-budget:charges` (hash -> charge) and
`apq-budget:deadlines` (hash -> when it expires, in Redis's milliseconds, moved on by every read). A put
first gives back the charges of up to `PURGE_BATCH` entries past their deadline, whose keys Redis has
expired by then.

When the budget is full a new query is refused, not stored in place of another: an attacker filling it can
then only stop new queries from being kept (they still run, sent whole), never push out the ones clients
are using, and the budget frees itself as unused entries expire. Eviction would hand the attacker the
other choice: with enough addresses, flush the queries every client relies on.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.asyncio import Redis

from adapters.redis.clients import request_client
from adapters.redis.health import RedisHealth
from application.persisted_queries import DEFAULT_MAX_QUERY_BYTES, DEFAULT_TTL_SECONDS, check_hash

log = logging.getLogger("adapters.redis.persisted_queries")
DEFAULT_MAX_TOTAL_BYTES = 16 * 1024 * 1024
BOOKKEEPING_BYTES = 512
"""What Redis spends on one query besides its text, measured with MEMORY USAGE and rounded up."""
PURGE_BATCH = 100

_NOW = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
"""
# KEYS: query, deadlines, charges, bytes. ARGV: hash, query, ttl ms, budget, charge, purge batch.
# Returns 1 (stored), 2 (already stored: renewed) or 0 (over the budget).
PUT = (
    _NOW
    + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[6]))
for _, member in ipairs(expired) do
  local charged = tonumber(redis.call('HGET', KEYS[3], member) or '0')
  redis.call('HDEL', KEYS[3], member)
  redis.call('ZREM', KEYS[2], member)
  redis.call('DECRBY', KEYS[4], charged)
end
local ttl = tonumber(ARGV[3])
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
  redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
  return 2
end
local charge = tonumber(ARGV[5])
if tonumber(redis.call('GET', KEYS[4]) or '0') + charge > tonumber(ARGV[4]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], charge)
redis.call('INCRBY', KEYS[4], charge)
return 1
"""
)
# KEYS: query, deadlines, charges, bytes. ARGV: hash, ttl ms, bookkeeping bytes. Returns the query or nil.
GET = (
    _NOW
    + """
local query = redis.call('GET', KEYS[1])
if not query then return false end
local ttl = tonumber(ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl)
if redis.call('ZADD', KEYS[2], now + ttl, ARGV[1]) == 1 then
  -- stored before the budget was kept, or its charge was lost: charge it now
  local charge = string.len(query) + tonumber(ARGV[3])
  redis.call('HSET', KEYS[3], ARGV[1], charge)
  redis.call('INCRBY', KEYS[4], charge)
end
return query
"""
)


class RedisPersistedQueries:
    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "",
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES,
        max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
        backoff: tuple[float, float] = (0.2, 5.0),
    ) -> None:
        if min(ttl_seconds, max_query_bytes, max_total_bytes) < 1:
            raise ValueError("ttl_seconds, max_query_bytes and max_total_bytes must be at least 1")
        self._client = client
        self._prefix = prefix
        self._ttl_ms = ttl_seconds * 1000
        self._max_query_bytes = max_query_bytes
        self._max_total_bytes = max_total_bytes
        self._budget_keys = [f"{prefix}apq-budget:{name}" for name in ("deadlines", "charges", "bytes")]
        self._put = client.register_script(PUT)
        self._get = client.register_script(GET)
        self._full = False
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
        keys = [self._key(sha256_hex), *self._budget_keys]
        args: list[str | int] = [sha256_hex, self._ttl_ms, BOOKKEEPING_BYTES]
        found = await self._health.call(lambda: self._get(keys=keys, args=args))
        return found.decode() if isinstance(found, bytes) else None

    async def contains(self, sha256_hex: str) -> bool:
        check_hash(sha256_hex)
        key = self._key(sha256_hex)
        return bool(await self._health.call(lambda: self._client.exists(key)))

    async def put(self, sha256_hex: str, query: str) -> bool:
        check_hash(sha256_hex)
        data = query.encode()
        if len(data) > self._max_query_bytes:
            return False
        keys = [self._key(sha256_hex), *self._budget_keys]
        charge = len(data) + BOOKKEEPING_BYTES
        args: list[str | int | bytes] = [sha256_hex, data, self._ttl_ms, self._max_total_bytes, charge]
        args.append(PURGE_BATCH)
        outcome = await self._health.call(lambda: self._put(keys=keys, args=args))
        if outcome is None:
            return False
        self._note_fullness(full=outcome == 0)
        return bool(outcome != 0)

    async def close(self) -> None:
        await self._client.aclose()

    def _key(self, sha256_hex: str) -> str:
        return f"{self._prefix}apq:{sha256_hex}"

    def _note_fullness(self, *, full: bool) -> None:
        """Logs when this replica first finds the budget full, and when it first stores again."""
        if full and not self._full:
            log.warning(
                "persisted queries: the budget of %d bytes is full; new queries run but are not kept "
                "until stored ones expire (FITCOACH_APQ_MAX_BYTES)",
                self._max_total_bytes,
            )
        elif self._full and not full:
            log.info("persisted queries: storing new queries again")
        self._full = full
