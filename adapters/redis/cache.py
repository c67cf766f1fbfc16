"""`RedisCache`: the `Cache` port on Redis (L2) behind a small in-process LRU (L1).

- Each key is a hash of version and JSON data (`redis_cache_l2`); put and invalidate are Lua scripts
  (`redis_scripts`).
- Every invalidation is published on a channel; each replica drops the key from its L1 when it hears
  it. L1 serves only while that subscription is live, and is emptied whenever it (re)starts.
- Redis down or slow (short socket timeouts): get answers None, put and invalidate do nothing, nothing
  raises; `Outage` logs the change once and spaces out the retries. Invalidations that could not reach
  Redis are replayed once it answers again (`redis_cache_pending`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import orjson
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from adapters.memory.lru import Clock
from adapters.redis.cache_l1 import L1
from adapters.redis.cache_l2 import L2, entry
from adapters.redis.cache_pending import PendingInvalidations
from adapters.redis.outage import Outage
from application.cache import Cached, CacheKey

T = TypeVar("T")


class RedisCache:
    def __init__(
        self,
        client: Redis,
        subscriber: Redis,
        *,
        prefix: str = "",
        l1_max_entries: int = 10_000,
        l1_ttl_seconds: float = 5.0,
        backoff: tuple[float, float] = (0.2, 5.0),
        clock: Clock = time.monotonic,
    ) -> None:
        self._client = client
        self._subscriber = subscriber
        self._l2 = L2(client, prefix)
        self._backoff = backoff
        self._outage = Outage(first_backoff=backoff[0], max_backoff=backoff[1], clock=clock)
        self._l1 = L1(l1_max_entries, l1_ttl_seconds, self._outage, clock=clock)
        self._first_subscription = asyncio.Event()
        self._pending = PendingInvalidations()
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    async def connect(cls, url: str, *, timeout_seconds: float = 0.1, **options: Any) -> RedisCache:
        """Never fails for an unreachable Redis: the cache starts as down and recovers on its own."""
        # One retry, on a fresh connection, for a pooled one that a restarted server closed; none on timeouts.
        reconnect_once = Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
        client = Redis.from_url(
            url, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds, retry=reconnect_once
        )
        subscriber = Redis.from_url(
            url, socket_connect_timeout=timeout_seconds, retry=Retry(NoBackoff(), 0), health_check_interval=5
        )
        cache = cls(client, subscriber, **options)
        cache._spawn(cache._follow_invalidations())
        with contextlib.suppress(TimeoutError):  # a Redis that accepts but never answers
            async with asyncio.timeout(1.0):
                await cache._first_subscription.wait()
        return cache

    async def get(self, key: CacheKey) -> Cached | None:
        l1_epoch = self._l1.epoch()
        hit = self._l1.get(key.name, l1_epoch)
        if hit is not None:
            return hit
        reply = await self._call(lambda: self._l2.read(key.name))
        held = None if reply is None else entry(reply)
        if held is None:
            return None  # Redis down, the key absent, or a tombstone
        data, version = held
        self._l1.remember(key, data, version, l1_epoch)
        return Cached(orjson.loads(data), version)

    async def get_many(self, keys: Sequence[CacheKey]) -> list[Cached | None]:
        """L1 first; the keys it lacks in one pipelined round trip (an HMGET each)."""
        found: list[Cached | None] = [None] * len(keys)
        l1_epoch = self._l1.epoch()
        missing: list[int] = []
        for index, key in enumerate(keys):
            found[index] = self._l1.get(key.name, l1_epoch)
            if found[index] is None:
                missing.append(index)
        if not missing:
            return found
        replies = await self._call(lambda: self._l2.read_many([keys[index].name for index in missing]))
        if replies is None:
            return found
        for index, reply in zip(missing, replies, strict=True):
            held = entry(reply)
            if held is not None:  # else absent, or a tombstone
                data, version = held
                self._l1.remember(keys[index], data, version, l1_epoch)
                found[index] = Cached(orjson.loads(data), version)
        return found

    async def put(self, key: CacheKey, value: Any, version: int) -> bool:
        data, l1_epoch = orjson.dumps(value), self._l1.epoch()
        stored = await self._call(lambda: self._l2.put(key, data, version))
        if not stored:
            return False
        self._l1.remember(key, data, version, l1_epoch)
        return True

    async def invalidate(self, key: CacheKey, version: int) -> None:
        self._l1.invalidate(key.name, version)
        if await self._invalidate_in_redis(key, version) is None:
            self._pending.add(key, version)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._client.aclose()
        await self._subscriber.aclose()

    async def _invalidate_in_redis(self, key: CacheKey, version: int) -> int | None:
        return await self._call(lambda: self._l2.invalidate(key, version))

    async def _call(self, operation: Callable[[], Awaitable[T]]) -> T | None:
        """The operation's answer, or None when Redis is down, failing or too slow."""
        if not self._outage.may_try():
            return None
        try:
            answer = await operation()
        except (RedisError, OSError) as error:
            await self._lost_redis(started_outage=self._outage.failed(error))
            return None
        except BaseException:
            self._outage.abandoned()
            raise
        self._recovered_if(self._outage.succeeded())
        return answer

    async def _lost_redis(self, *, started_outage: bool) -> None:
        self._l1.clear()
        if started_outage:
            # Pooled connections to a server that went away would each fail once more after it returns.
            with contextlib.suppress(RedisError, OSError):
                await self._client.connection_pool.disconnect()

    def _recovered_if(self, recovered: bool) -> None:
        if recovered and self._pending:
            self._spawn(self._replay_pending())

    async def _replay_pending(self) -> None:
        while self._pending and not self._outage.down:
            key, version = self._pending.pop_oldest()
            if await self._invalidate_in_redis(key, version) is None:
                self._pending.put_back(key, version)

    async def _follow_invalidations(self) -> None:
        delay = self._backoff[0]
        while True:
            try:
                async with self._subscriber.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self._l2.channel)
                    self._l1.subscribed()
                    self._first_subscription.set()
                    self._recovered_if(self._outage.succeeded())
                    delay = self._backoff[0]
                    while True:
                        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                        if message is not None:
                            self._l1.evict(message["data"])
            except (RedisError, OSError) as error:
                await self._lost_redis(started_outage=self._outage.noticed(error))
            finally:
                self._l1.unsubscribed()
            self._first_subscription.set()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._backoff[1])

    def _spawn(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
