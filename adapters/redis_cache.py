"""`RedisCache`: the `Cache` port on Redis (L2) behind a small in-process LRU (L1).

- Each key is a hash of version and JSON data; put and invalidate are Lua scripts (`redis_scripts`).
- Every invalidation is published on a channel; each replica drops the key from its L1 when it hears
  it. L1 serves only while that subscription is live, and is emptied whenever it (re)starts.
- Redis down or slow (short socket timeouts): get answers None, put and invalidate do nothing, nothing
  raises; `Outage` logs the change once and spaces out the retries. Invalidations that could not reach
  Redis are replayed once it answers again (the most recent `MAX_PENDING` keys).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import orjson
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from adapters.lru import Clock, VersionedLru
from adapters.redis_outage import CACHE_LOG as log
from adapters.redis_outage import Outage
from adapters.redis_scripts import INVALIDATE, PUT
from application.cache import Cached, CacheKey

T = TypeVar("T")
MAX_PENDING = 10_000


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
        self._prefix = prefix
        self._channel = f"{prefix}cache-invalidations"
        self._l1 = VersionedLru(l1_max_entries, clock=clock)
        self._l1_ttl = l1_ttl_seconds
        self._backoff = backoff
        self._outage = Outage(first_backoff=backoff[0], max_backoff=backoff[1], clock=clock)
        self._put_script = client.register_script(PUT)
        self._invalidate_script = client.register_script(INVALIDATE)
        self._subscribed = False
        self._epoch = 0
        self._first_subscription = asyncio.Event()
        self._pending: OrderedDict[str, tuple[CacheKey, int]] = OrderedDict()
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
        name, l1_epoch = key.name, self._l1_epoch()
        if l1_epoch is not None:
            hit = self._l1.get(name)
            if hit is not None:
                return Cached(orjson.loads(hit[0]), hit[1])
        reply = await self._call(lambda: self._client.hmget(self._prefix + name, "v", "d"))
        if reply is None:
            return None
        raw_version, data = reply
        if not isinstance(data, bytes) or raw_version is None:
            return None  # absent, or a tombstone
        version = int(raw_version)
        self._remember(key, data, version, l1_epoch)
        return Cached(orjson.loads(data), version)

    async def get_many(self, keys: Sequence[CacheKey]) -> list[Cached | None]:
        """L1 first; the keys it lacks in one pipelined round trip (an HMGET each)."""
        found: list[Cached | None] = [None] * len(keys)
        l1_epoch = self._l1_epoch()
        missing: list[int] = []
        for index, key in enumerate(keys):
            hit = self._l1.get(key.name) if l1_epoch is not None else None
            if hit is not None:
                found[index] = Cached(orjson.loads(hit[0]), hit[1])
            else:
                missing.append(index)
        if not missing:
            return found

        async def fetch() -> list[Any]:
            async with self._client.pipeline(transaction=False) as pipe:
                for index in missing:
                    pipe.hmget(self._prefix + keys[index].name, "v", "d")
                return await pipe.execute()

        replies = await self._call(fetch)
        if replies is None:
            return found
        for index, (raw_version, data) in zip(missing, replies, strict=True):
            if isinstance(data, bytes) and raw_version is not None:  # else absent, or a tombstone
                version = int(raw_version)
                self._remember(keys[index], data, version, l1_epoch)
                found[index] = Cached(orjson.loads(data), version)
        return found

    async def put(self, key: CacheKey, value: Any, version: int) -> bool:
        name, data, l1_epoch = key.name, orjson.dumps(value), self._l1_epoch()
        args: list[bytes | int] = [version, data, key.kind.ttl_seconds]
        stored = await self._call(lambda: self._put_script(keys=[self._prefix + name], args=args))
        if not stored:
            return False
        self._remember(key, data, version, l1_epoch)
        return True

    async def invalidate(self, key: CacheKey, version: int) -> None:
        self._l1.invalidate(key.name, version, self._l1_ttl)
        if await self._invalidate_in_redis(key, version) is None:
            _, pending_version = self._pending.pop(key.name, (key, version))
            self._pending[key.name] = (key, max(version, pending_version))
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._client.aclose()
        await self._subscriber.aclose()

    def _l1_epoch(self) -> int | None:
        """The current subscription's number while L1 may serve, else None."""
        return self._epoch if self._subscribed and not self._outage.down else None

    def _remember(self, key: CacheKey, data: bytes, version: int, l1_epoch: int | None) -> None:
        # Only if the subscription that was live before the Redis call still is: an invalidation
        # missed in between could otherwise leave an outdated value in L1.
        if l1_epoch is not None and l1_epoch == self._l1_epoch():
            self._l1.put(key.name, data, version, min(self._l1_ttl, key.kind.ttl_seconds))

    async def _invalidate_in_redis(self, key: CacheKey, version: int) -> int | None:
        args: list[str | int] = [version, key.kind.ttl_seconds, self._channel, key.name]
        return await self._call(lambda: self._invalidate_script(keys=[self._prefix + key.name], args=args))

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
            _, (key, version) = self._pending.popitem(last=False)
            if await self._invalidate_in_redis(key, version) is None:
                self._pending[key.name] = (key, version)

    async def _follow_invalidations(self) -> None:
        delay = self._backoff[0]
        while True:
            try:
                async with self._subscriber.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self._channel)
                    self._l1.clear()  # it may have missed invalidations while not subscribed
                    self._epoch += 1
                    self._subscribed = True
                    self._first_subscription.set()
                    self._recovered_if(self._outage.succeeded())
                    delay = self._backoff[0]
                    while True:
                        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                        if message is not None:
                            self._evict(message["data"])
            except (RedisError, OSError) as error:
                await self._lost_redis(started_outage=self._outage.noticed(error))
            finally:
                self._subscribed = False
                self._l1.clear()
            self._first_subscription.set()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._backoff[1])

    def _evict(self, payload: bytes) -> None:
        raw_version, _, name = payload.decode().partition(":")
        try:
            version = int(raw_version)
        except ValueError:
            log.error("ignored a malformed cache invalidation message")
            return
        self._l1.invalidate(name, version, self._l1_ttl)

    def _spawn(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
