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
lock shared with its reconnects, so a command never lands on a connection being replaced. In Redis,
channel names carry the key prefix and each payload is the publishing process's id followed by the JSON
message (`Framing`); what the connection reads is routed by `Incoming`, and `Confirmations` tracks which
SUBSCRIBE commands Redis has confirmed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub as RedisPubSubConnection
from redis.exceptions import ConnectionError as RedisConnectionError

from adapters.memory.fanout import Fanout, Mailbox, encode_message, is_message
from adapters.redis.clients import request_client, subscriber_client
from adapters.redis.health import RedisHealth
from adapters.redis.outage import is_redis_failure, redis_failures_ignored
from application.pubsub import DEFAULT_MAX_PENDING, check_channel

log = logging.getLogger("adapters.redis.pubsub")


ORIGIN_BYTES = 16


class Framing:
    """How channels and messages look in Redis: channel names carry the key prefix; each payload is the
    publishing process's id followed by the JSON message, so a process can skip its own echo.
    """

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._prefix_bytes = prefix.encode()
        self._origin = uuid.uuid4().bytes

    def channel_in_redis(self, channel: str) -> str:
        return self._prefix + channel

    def local_channel(self, raw_channel: Any) -> str | None:
        """The channel's name without the prefix; None for a channel outside the prefix."""
        if not isinstance(raw_channel, bytes) or not raw_channel.startswith(self._prefix_bytes):
            return None
        return raw_channel[len(self._prefix_bytes) :].decode(errors="replace")

    def payload(self, data: bytes) -> bytes:
        """What this process publishes in Redis for the encoded message `data`."""
        return self._origin + data

    def is_own(self, payload: Any) -> bool:
        """Whether a payload heard from Redis was published by this process."""
        return isinstance(payload, bytes) and payload[:ORIGIN_BYTES] == self._origin


def message_data(payload: Any) -> bytes | None:
    """The encoded message a payload from Redis carries; None if it is malformed."""
    if not isinstance(payload, bytes) or not is_message(payload[ORIGIN_BYTES:]):
        return None
    return payload[ORIGIN_BYTES:]


CONTROL_CHANNEL = "__fitcoach_pubsub__"
"""Always subscribed: its confirmation proves a (re)connection, and it keeps the connection in use."""


class Incoming:
    """What the connection reads from Redis, routed: the confirmations of its SUBSCRIBE commands to
    `Confirmations`, the messages of other processes to the local subscribers (`Fanout`).
    """

    def __init__(self, framing: Framing, fanout: Fanout, confirmations: Confirmations) -> None:
        self._framing = framing
        self._fanout = fanout
        self._confirmations = confirmations

    def handle(self, message: dict[str, Any]) -> bool:
        """Deliver or count one message from Redis; True if it confirmed a (re)connection."""
        channel = self._framing.local_channel(message.get("channel"))
        if channel is None:
            return False
        if message["type"] == "subscribe":
            wanted = channel == CONTROL_CHANNEL or self._fanout.has_subscribers(channel)
            self._confirmations.confirmed(channel, wanted=wanted)
            return channel == CONTROL_CHANNEL
        if message["type"] == "message":
            self._deliver(channel, message["data"])
        return False

    def _deliver(self, channel: str, payload: Any) -> None:
        if self._framing.is_own(payload):
            return  # published here, and already delivered locally
        data = message_data(payload)
        if data is None:
            log.error("ignored a malformed message on %s", channel)
            return
        self._fanout.deliver(channel, data)


@dataclass
class _Ready:
    epoch: int
    target: int
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Confirmations:
    """Which SUBSCRIBE commands Redis has confirmed on the current connection.

    Redis answers the commands of one connection in order, so the n-th confirmation of a channel answers
    the n-th SUBSCRIBE of it. A new subscriber waits for the confirmation of the SUBSCRIBE sent for it, or
    of any on a later connection (a reconnect subscribes again to every wanted channel); from then on every
    publish, from any replica, reaches it. Counts of channels nobody listens to are dropped once nothing
    is outstanding, so they do not grow with every plan ever watched.
    """

    def __init__(self) -> None:
        self.epoch = 0
        """Which connection: one more on every (re)connection."""
        self._sent: Counter[str] = Counter()
        self._confirmed: Counter[str] = Counter()
        self._ready: dict[str, _Ready] = {}

    def new_connection(self, channels: Iterable[str]) -> None:
        """A fresh connection, about to SUBSCRIBE to `channels`."""
        self.epoch += 1
        self._sent.clear()
        self._confirmed.clear()
        self._sent.update(channels)

    def expect(self, channel: str, *, sending: bool) -> None:
        """A first local subscriber of `channel`: `sending` if a SUBSCRIBE goes out now, on this connection
        (else the next connection subscribes to it)."""
        self._ready[channel] = _Ready(self.epoch, self._sent[channel] + 1)
        if sending:
            self._sent[channel] += 1

    async def wait(self, channel: str, timeout_seconds: float) -> None:
        """Until Redis confirmed the channel's subscription, or the timeout passed."""
        ready = self._ready.get(channel)
        if ready is None or ready.done.is_set():
            return
        with contextlib.suppress(TimeoutError):  # a slow Redis: the subscription goes live when it answers
            async with asyncio.timeout(timeout_seconds):
                await ready.done.wait()

    def confirmed(self, channel: str, *, wanted: bool) -> None:
        """Redis confirmed a SUBSCRIBE of `channel`; `wanted` if it still has local subscribers."""
        self._confirmed[channel] += 1
        ready = self._ready.get(channel)
        if ready is not None and (ready.epoch < self.epoch or ready.target <= self._confirmed[channel]):
            ready.done.set()
        if not wanted:
            self.forget(channel)

    def forget(self, channel: str) -> None:
        """The channel's last local subscriber left."""
        self._ready.pop(channel, None)
        if self._confirmed[channel] >= self._sent[channel]:
            self._sent.pop(channel, None)
            self._confirmed.pop(channel, None)

    def tracked(self) -> set[str]:
        """Channels with any bookkeeping left (for tests)."""
        return set(self._sent) | set(self._confirmed) | set(self._ready)


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
                with redis_failures_ignored():  # the reader notices, reconnects, resubscribes
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
            with redis_failures_ignored():
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
            except Exception as error:  # never let the one reader die: every subscriber depends on it
                if not is_redis_failure(error):
                    log.exception("pub/sub reader failed unexpectedly; reconnecting")
                self._health.noticed(error)
            finally:
                self._first_attempt.set()
                async with self._lock:
                    if self._connection is connection:
                        self._connection = None
                with redis_failures_ignored():
                    await connection.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._backoff[1])
