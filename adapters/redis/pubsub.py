"""`RedisPubSub`: the `PubSub` port on Redis pub/sub, so a publish on one API replica reaches the
subscribers of every replica.

- One Redis pub/sub connection per process, whatever the number of local subscribers: the process
  subscribes in Redis to each channel that has at least one local subscriber (the first one subscribes,
  the last one to leave unsubscribes) and fans each message out locally (`adapters.memory.fanout`).
- Entering `subscribe` waits (at most `subscribe_timeout_seconds`) until Redis confirmed the SUBSCRIBE,
  so a message published anywhere after that reaches the new subscriber.
- A publish reaches the local subscribers at once, without the round trip; each message carries the id of
  the process that published it, which ignores its own copy when Redis echoes it back.
- Redis down: publish still delivers locally, skips Redis and never raises; subscribers keep waiting and
  never see an error. A background task reconnects (with backoff) and subscribes again to every channel that
  still has local subscribers. Messages published elsewhere during the outage are lost (at most once, see
  `application.pubsub`). The outage is logged once, and its end once.
- Slow subscribers: each one's mailbox is bounded and drops its oldest messages (`adapters.memory.fanout`).

Only the background task reads the pub/sub connection; SUBSCRIBE and UNSUBSCRIBE are written to it under a
lock shared with its reconnects, so a command never lands on a connection being replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub as RedisPubSubConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from adapters.memory.fanout import Fanout, Mailbox, encode_message
from adapters.redis.clients import request_client, subscriber_client
from adapters.redis.confirmations import Confirmations
from adapters.redis.health import RedisHealth
from adapters.redis.pubsub_framing import Framing
from adapters.redis.pubsub_incoming import CONTROL_CHANNEL, Incoming
from application.pubsub import DEFAULT_MAX_PENDING, check_channel

log = logging.getLogger("adapters.redis.pubsub")


class RedisPubSub:
    def __init__(
        self,
        client: Redis,
        subscriber: Redis,
        *,
        prefix: str = "",
        max_pending: int = DEFAULT_MAX_PENDING,
        subscribe_timeout_seconds: float = 1.0,
        backoff: tuple[float, float] = (0.2, 5.0),
    ) -> None:
        self._client = client
        self._subscriber = subscriber
        self._framing = Framing(prefix)
        self._fanout = Fanout(max_pending)
        self._subscribe_timeout = subscribe_timeout_seconds
        self._backoff = backoff
        self._health = RedisHealth(
            "pub/sub",
            log,
            consequence="notifications reach this replica's subscribers only until it returns",
            first_backoff=backoff[0],
            max_backoff=backoff[1],
        )
        self._lock = asyncio.Lock()
        self._connection: RedisPubSubConnection | None = None
        """The live pub/sub connection; None while (re)connecting."""
        self._confirmations = Confirmations()
        self._incoming = Incoming(self._framing, self._fanout, self._confirmations)
        self._first_attempt = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def connect(cls, url: str, *, timeout_seconds: float = 0.1, **options: Any) -> RedisPubSub:
        """Never fails for an unreachable Redis: it starts as down and recovers on its own."""
        client = request_client(url, timeout_seconds=timeout_seconds)
        pubsub = cls(client, subscriber_client(url, timeout_seconds=timeout_seconds), **options)
        pubsub._reader = asyncio.create_task(pubsub._follow())
        with contextlib.suppress(TimeoutError):  # a Redis that accepts but never answers
            async with asyncio.timeout(1.0):
                await pubsub._first_attempt.wait()
        return pubsub

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        check_channel(channel)
        data = encode_message(message)
        self._fanout.deliver(channel, data)
        redis_channel = self._framing.channel_in_redis(channel)
        await self._health.call(lambda: self._client.publish(redis_channel, self._framing.payload(data)))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Mailbox]:
        check_channel(channel)
        mailbox, first = self._fanout.add(channel)
        try:
            if first:
                await self._subscribe_in_redis(channel)
            await self._until_confirmed(channel)
            yield mailbox
        finally:
            if self._fanout.remove(mailbox):
                await self._unsubscribe_in_redis(channel)

    async def ping(self) -> None:
        await self._client.ping()
        if self._connection is None:
            raise RedisConnectionError("the pub/sub connection is not live (reconnecting)")

    async def close(self) -> None:
        self._fanout.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._client.aclose()
        await self._subscriber.aclose()

    async def _subscribe_in_redis(self, channel: str) -> None:
        async with self._lock:
            connection = self._connection
            # Without a connection, the reader subscribes to every wanted channel once it has one.
            self._confirmations.expect(channel, sending=connection is not None)
            if connection is not None:
                with contextlib.suppress(RedisError, OSError):  # the reader notices, reconnects, resubscribes
                    await connection.subscribe(self._framing.channel_in_redis(channel))

    async def _until_confirmed(self, channel: str) -> None:
        if self._connection is not None:
            await self._confirmations.wait(channel, self._subscribe_timeout)

    async def _unsubscribe_in_redis(self, channel: str) -> None:
        async with self._lock:
            if self._fanout.has_subscribers(channel):
                return  # someone subscribed again meanwhile
            self._confirmations.forget(channel)
            connection = self._connection
            if connection is None:
                return
            with contextlib.suppress(RedisError, OSError):
                await connection.unsubscribe(self._framing.channel_in_redis(channel))

    async def _follow(self) -> None:
        """The background task: (re)connect, subscribe to every wanted channel, read and fan out."""
        delay = self._backoff[0]
        while not self._fanout.closed:
            connection = self._subscriber.pubsub()
            try:
                # Outside the lock: subscribers never wait on a handshake.
                await connection.connect()  # type: ignore[no-untyped-call]
                async with self._lock:
                    channels = [CONTROL_CHANNEL, *self._fanout.channels()]
                    self._confirmations.new_connection(channels)
                    await connection.subscribe(*map(self._framing.channel_in_redis, channels))
                    self._connection = connection
                while True:
                    message = await connection.get_message(timeout=1.0)
                    if message is not None and self._incoming.handle(message):
                        self._health.succeeded()
                        self._first_attempt.set()
                        delay = self._backoff[0]
            except (RedisError, OSError) as error:
                self._health.noticed(error)
            except Exception as error:  # never let the one reader die: every subscriber depends on it
                log.exception("pub/sub reader failed unexpectedly; reconnecting")
                self._health.noticed(error)
            finally:
                self._first_attempt.set()
                async with self._lock:
                    if self._connection is connection:
                        self._connection = None
                with contextlib.suppress(RedisError, OSError):
                    await connection.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._backoff[1])
