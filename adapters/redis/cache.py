"""`RedisCache`: the `Cache` port on Redis (L2) behind a small in-process LRU (L1).

- Each key is a hash of version and JSON data (`L2`); put and invalidate are Lua scripts
  (`adapters.redis.scripts`).
- Every invalidation is published on a channel; each replica drops the key from its L1 when it hears
  it. L1 serves only while that subscription is live, and is emptied whenever it (re)starts.
- Redis down or slow (short socket timeouts): get answers None, put and invalidate do nothing, nothing
  raises; `Outage` logs the change once and spaces out the retries. Invalidations that could not reach
  Redis are replayed once it answers again (`PendingInvalidations`).
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

from adapters.memory.lru import Clock, VersionedLru
from adapters.redis.outage import CACHE_LOG as log
from adapters.redis.outage import Outage, is_redis_failure, redis_failures_ignored
from adapters.redis.scripts import INVALIDATE, PUT
from application.cache import Cached, CacheKey


class L1:
    """The in-process LRU in front of Redis. It serves only while the invalidation subscription is live
    and Redis answers, and is emptied whenever that subscription (re)starts or ends.
    """

    def __init__(
        self, max_entries: int, ttl_seconds: float, outage: Outage, *, clock: Clock = time.monotonic
    ) -> None:
        self._lru = VersionedLru(max_entries, clock=clock)
        self._ttl = ttl_seconds
        self._outage = outage
        self._subscribed = False
        self._epoch = 0

    def epoch(self) -> int | None:
        """The current subscription's number while L1 may serve, else None."""
        return self._epoch if self._subscribed and not self._outage.down else None

    def get(self, name: str, epoch: int | None) -> Cached | None:
        """The held value, if L1 may serve (`epoch` is not None) and holds one."""
        hit = self._lru.get(name) if epoch is not None else None
        return None if hit is None else Cached(orjson.loads(hit[0]), hit[1])

    def remember(self, key: CacheKey, data: bytes, version: int, epoch: int | None) -> None:
        """Keep a value read from or written to Redis, with `epoch` as it was before that Redis call."""
        # Only if the subscription that was live before the Redis call still is: an invalidation
        # missed in between could otherwise leave an outdated value in L1.
        if epoch is not None and epoch == self.epoch():
            self._lru.put(key.name, data, version, min(self._ttl, key.kind.ttl_seconds))

    def invalidate(self, name: str, version: int) -> None:
        self._lru.invalidate(name, version, self._ttl)

    def evict(self, payload: bytes) -> None:
        """Apply one message (`version:name`) heard on the invalidation channel."""
        raw_version, _, name = payload.decode().partition(":")
        try:
            version = int(raw_version)
        except ValueError:
            log.error("ignored a malformed cache invalidation message")
            return
        self.invalidate(name, version)

    def clear(self) -> None:
        self._lru.clear()

    def subscribed(self) -> None:
        """The invalidation subscription (re)started: a new epoch, from an empty L1."""
        self._lru.clear()  # it may have missed invalidations while not subscribed
        self._epoch += 1
        self._subscribed = True

    def unsubscribed(self) -> None:
        self._subscribed = False
        self._lru.clear()


Entry = tuple[bytes, int]
"""JSON data and its version."""


def entry(reply: Sequence[Any]) -> Entry | None:
    """The entry an HMGET of `v` and `d` answered; None if the key is absent, or a tombstone."""
    raw_version, data = reply
    if not isinstance(data, bytes) or raw_version is None:
        return None
    return data, int(raw_version)


class L2:
    """The entries in Redis. Each key (behind the prefix) is a hash of version `v` and JSON data `d`,
    written only by the Lua scripts of `adapters.redis.scripts`, which also publish every invalidation.
    """

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
        """1 if stored, 0 if Redis holds a newer version (see `scripts.PUT`)."""
        args: list[bytes | int] = [version, data, key.kind.ttl_seconds]
        return await self._put_script(keys=[self._prefix + key.name], args=args)

    async def invalidate(self, key: CacheKey, version: int) -> Any:
        """Publish the invalidation; 1 if it left a tombstone (see `scripts.INVALIDATE`)."""
        args: list[str | int] = [version, key.kind.ttl_seconds, self.channel, key.name]
        return await self._invalidate_script(keys=[self._prefix + key.name], args=args)


MAX_PENDING = 10_000


class PendingInvalidations:
    """The invalidations that could not be sent to Redis, replayed once it answers again: the newest
    version per key, for the most recent `MAX_PENDING` keys.
    """

    def __init__(self, max_keys: int = MAX_PENDING) -> None:
        self._max_keys = max_keys
        self._by_name: OrderedDict[str, tuple[CacheKey, int]] = OrderedDict()

    def __bool__(self) -> bool:
        return bool(self._by_name)

    def add(self, key: CacheKey, version: int) -> None:
        """Keep the newer of `version` and any held for the key; past the bound, the oldest keys go."""
        _, pending_version = self._by_name.pop(key.name, (key, version))
        self._by_name[key.name] = (key, max(version, pending_version))
        while len(self._by_name) > self._max_keys:
            self._by_name.popitem(last=False)

    def pop_oldest(self) -> tuple[CacheKey, int]:
        _, (key, version) = self._by_name.popitem(last=False)
        return key, version

    def put_back(self, key: CacheKey, version: int) -> None:
        """Keep one that `pop_oldest` gave and that failed again."""
        self._by_name[key.name] = (key, version)


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
        except BaseException as error:
            if not is_redis_failure(error):
                self._outage.abandoned()
                raise
            await self._lost_redis(started_outage=self._outage.failed(error))
            return None
        self._recovered_if(self._outage.succeeded())
        return answer

    async def _lost_redis(self, *, started_outage: bool) -> None:
        self._l1.clear()
        if started_outage:
            # Pooled connections to a server that went away would each fail once more after it returns.
            with redis_failures_ignored():
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
            except Exception as error:
                if not is_redis_failure(error):
                    raise
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
