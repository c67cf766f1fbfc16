"""`RedisChatFeed`: the `ChatFeed` port on Redis Streams, shared by every API replica and coach worker.

Per session, two keys (one hash slot: the session id is the hash tag), both expiring `ttl` after the last
append:
- `coach-chat:{id}:meta`, a hash: `origin` and `head` (the last entry's number). When it is missing, the
  next append or read starts a new origin, and drops entries of the old one.
- `coach-chat:{id}:entries`, a stream whose entry ids are `0-<number>`, trimmed with `MAXLEN ~`.
Each append is one script (`APPEND`): number, add, trim, expire, announce. Reads are one script too
(`READ`), which decides atomically whether a cursor's successors are all still held (else a `gap`) and
returns a batch.

Live delivery rides on Redis pub/sub, heard through the process's one `RedisPubSub` (no Redis connection per
follower): the append script itself publishes {origin, number, prev, entry} on `coach-chat:{id}`, in
`RedisPubSub`'s framing (`Framing`) under an origin of this feed's own, so that every process, this one too,
hears it from Redis like any other message (one round trip per append, not two). Live messages therefore
reach followers only through a `RedisPubSub` on the same Redis and key prefix; with any other `PubSub` they
still get every entry, from the rechecks. A follower subscribes before it reads, so nothing falls between
its catch-up and the live messages. It delivers a live entry when `prev` is the number it delivered last,
skips numbers it has already delivered, and reads the stream again whenever the chain breaks (a message
lost, reordered between two appenders, or dropped because it fell behind); and after `recheck_seconds`
without any message (a lost last message) it asks for its feed's head (`FeedHeads`: the quiet followers of a
process share one round trip) and reads when the feed moved on without it.

Redis unreachable: appends return None (logged once per outage), and the next append of this process to that
session writes a `gap` entry first, so followers are told; followers retry their reads with backoff, then
resume from the last entry they delivered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

import orjson
from redis.asyncio import Redis

from adapters.redis.clients import request_client
from adapters.redis.feed_heads import FeedHeads
from adapters.redis.health import RedisHealth
from adapters.redis.outage import is_redis_failure
from adapters.redis.pubsub import Framing
from application.coaching.chat_feed import GAP, ChatEntry, FeedCursor, FeedItem, InvalidCursor, new_origin
from application.plan_reads import ReadModelUnavailable
from application.pubsub import PubSub, Subscription

log = logging.getLogger("adapters.redis.chat_feed")
T = TypeVar("T")
BATCH = 200
"""Entries per read."""
HEADS_WINDOW_SHARE = 0.05
"""How late (a share of `recheck_seconds`) a quiet follower's recheck may be, to share a round trip."""
MAX_LOST = 10_000
"""Sessions remembered to have lost an append (an outage): their next append writes a gap first."""

# KEYS: meta, entries. ARGV: origin if a new one starts, maxlen, ttl in ms, entry JSON, the channel to
# announce it on, what the announcement starts with (the framing's origin), and optionally a gap entry's
# JSON to add first. An entry equal to the last one is not added again (a retried append whose first
# attempt did reach Redis), and then no gap nor announcement either. Returns {origin, number of the entry
# before this one, 1 if it was added}.
APPEND = """
local meta = redis.call('HMGET', KEYS[1], 'origin', 'head')
local origin, prev = meta[1], tonumber(meta[2]) or 0
local gap = ARGV[7]
if not origin then
  origin, prev, gap = ARGV[1], 0, nil  -- a new origin: followers of the old one get a gap anyway
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'origin', origin)
else
  local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  if #last > 0 and last[1][2][2] == ARGV[4] and tonumber(string.sub(last[1][1], 3)) == prev then
    return {origin, prev - 1, 0}
  end
end
if gap then
  prev = prev + 1
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], string.format('0-%d', prev), 'e', gap)
end
local number = prev + 1
redis.call('HSET', KEYS[1], 'head', number)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], string.format('0-%d', number), 'e', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local announcement = string.format('{"origin":"%s","number":%d,"prev":%d,"entry":', origin, number, prev)
redis.call('PUBLISH', ARGV[5], ARGV[6] .. announcement .. ARGV[4] .. '}')
return {origin, prev, 1}
"""
# KEYS: meta, entries. ARGV: the cursor's origin, its number (-1: only the head), batch size, origin if a
# new one starts, ttl in ms.
# Returns {origin, head, status (0 ok, 1 gap, -1 past the end), the number read after, entries}.
READ = """
local meta = redis.call('HMGET', KEYS[1], 'origin', 'head')
local origin, head = meta[1], tonumber(meta[2]) or 0
if not origin then
  origin, head = ARGV[4], 0
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'origin', origin, 'head', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
local after = tonumber(ARGV[2])
if after < 0 then return {origin, head, 0, head, {}} end
local status = 0
if ARGV[1] ~= origin then
  status, after = 1, 0
elseif after > head then
  return {origin, head, -1, after, {}}
end
local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
local oldest = head + 1
if #first > 0 then oldest = tonumber(string.sub(first[1][1], 3)) end
if oldest > after + 1 then status, after = 1, oldest - 1 end
local entries = redis.call('XRANGE', KEYS[2], string.format('(0-%d', after), '+', 'COUNT', ARGV[3])
return {origin, head, status, after, entries}
"""


@dataclass(frozen=True, slots=True)
class _Batch:
    items: list[FeedItem]
    cursor: FeedCursor
    """The last item's, or the one read after when there is none."""
    more: bool
    """A full batch: read again after `cursor`."""


@dataclass(frozen=True, slots=True)
class _Announcement:
    """What the append script publishes: {origin, number, prev, entry}."""

    cursor: FeedCursor
    prev: int
    entry: ChatEntry

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> _Announcement | None:
        entry = ChatEntry.from_json(data.get("entry"))
        try:
            cursor = FeedCursor(str(data["origin"]), int(data["number"]))
            return None if entry is None else cls(cursor, int(data["prev"]), entry)
        except (KeyError, TypeError, ValueError):
            return None


def feed_channel(session_id: UUID) -> str:
    return f"coach-chat:{session_id}"


class RedisChatFeed:
    def __init__(
        self,
        client: Redis,
        pubsub: PubSub,
        *,
        maxlen: int,
        ttl_seconds: float,
        prefix: str = "",
        recheck_seconds: float = 5.0,
        backoff: tuple[float, float] = (0.2, 5.0),
    ) -> None:
        if maxlen < 1 or ttl_seconds <= 0:
            raise ValueError("maxlen must be at least 1 and ttl_seconds above 0")
        self._client = client
        self._pubsub = pubsub
        self._maxlen = maxlen
        self._ttl_ms = max(1, round(ttl_seconds * 1000))
        self._prefix = prefix
        self._recheck_seconds = recheck_seconds
        self._backoff = backoff
        self._framing = Framing(prefix)
        """How the append script announces in Redis: as `RedisPubSub` frames its messages (the same key
        prefix), under an origin of this feed's own, which no `RedisPubSub` takes for its own echo."""
        self._heads = FeedHeads(
            client,
            lambda session_id: self._keys(session_id)[0],
            window_seconds=recheck_seconds * HEADS_WINDOW_SHARE,
        )
        self._append = client.register_script(APPEND)
        self._read = client.register_script(READ)
        self._health = RedisHealth(
            "chat feed",
            log,
            consequence="chat events are not kept (replies are still recorded) until it returns",
            first_backoff=backoff[0],
            max_backoff=backoff[1],
        )
        self._closed = asyncio.Event()
        self._lost: dict[UUID, None] = {}

    @classmethod
    async def connect(
        cls, url: str, pubsub: PubSub, *, timeout_seconds: float = 0.5, **options: Any
    ) -> RedisChatFeed:
        """Never fails for an unreachable Redis (appends are dropped, reads retried, until it answers)."""
        return cls(request_client(url, timeout_seconds=timeout_seconds), pubsub, **options)

    async def append(self, session_id: UUID, entry: ChatEntry) -> FeedCursor | None:
        data = orjson.dumps(entry.to_json())
        channel = self._framing.channel_in_redis(feed_channel(session_id))
        args: list[str | int | bytes] = [
            new_origin(),
            self._maxlen,
            self._ttl_ms,
            data,
            channel,
            self._framing.payload(b""),
        ]
        lost = session_id in self._lost
        if lost:
            args.append(orjson.dumps(GAP.to_json()))
        reply = await self._health.call(lambda: self._append(keys=self._keys(session_id), args=args))
        if reply is None:
            self._remember_lost(session_id)
            return None
        if lost:
            self._lost.pop(session_id, None)
        return FeedCursor(reply[0].decode(), int(reply[1]) + 1)

    async def head(self, session_id: UUID) -> FeedCursor:
        try:
            return (await self._batch(session_id, None, retrying=False)).cursor
        except Exception as error:
            if not is_redis_failure(error):
                raise
            raise ReadModelUnavailable("the chat feed is unavailable") from error

    async def forget(self, session_id: UUID) -> None:
        try:
            await self._client.delete(*self._keys(session_id))
        except Exception as error:
            if not is_redis_failure(error):
                raise
            raise ReadModelUnavailable("the chat feed is unavailable") from error
        self._lost.pop(session_id, None)

    @asynccontextmanager
    async def follow(
        self, session_id: UUID, after: FeedCursor | None
    ) -> AsyncIterator[AsyncIterator[FeedItem]]:
        async with self._pubsub.subscribe(feed_channel(session_id)) as live:
            first = await self._batch(session_id, after)
            items = self._items(session_id, first, live)
            try:
                yield items
            finally:
                await items.aclose()

    async def close(self) -> None:
        """Closes this feed's client; the `PubSub` belongs to whoever passed it."""
        self._closed.set()
        await self._client.aclose()

    async def _items(self, session_id: UUID, batch: _Batch, live: Subscription) -> AsyncGenerator[FeedItem]:
        while True:
            for item in batch.items:
                yield item
            if batch.more:
                batch = await self._batch(session_id, batch.cursor)
                continue
            following = await self._next(session_id, batch.cursor, live)
            if following is None:
                return  # the PubSub closed
            batch = following

    async def _next(self, session_id: UUID, cursor: FeedCursor, live: Subscription) -> _Batch | None:
        """What follows `cursor`: the next live entry if it is the very next one, else a read."""
        while True:
            try:
                async with asyncio.timeout(self._recheck_seconds):
                    message = await anext(live)
            except TimeoutError:  # quiet: make sure nothing was lost
                if await self._moved_on(session_id, cursor):
                    return await self._batch(session_id, cursor)
                continue
            except StopAsyncIteration:
                return None
            announced = _Announcement.from_json(message)
            if announced is None:
                continue
            if announced.cursor.origin == cursor.origin:
                if announced.cursor.number <= cursor.number:
                    continue  # delivered already (by a read)
                if announced.prev == cursor.number:
                    return _Batch([FeedItem(announced.cursor, announced.entry)], announced.cursor, more=False)
            return await self._batch(session_id, cursor)  # the chain broke: read what was missed

    async def _moved_on(self, session_id: UUID, cursor: FeedCursor) -> bool:
        """Whether the feed has entries (or a gap) after `cursor`; True when Redis cannot tell (the read
        that follows retries until it can)."""
        try:
            return (await self._heads.head(session_id)).moved_past(cursor)
        except Exception as error:
            if not is_redis_failure(error):
                raise
            return True

    async def _batch(self, session_id: UUID, after: FeedCursor | None, *, retrying: bool = True) -> _Batch:
        """The entries after `after` (None: none, just the head); while Redis fails, tried again unless
        not `retrying`."""
        args: list[str | int] = ["", -1] if after is None else [after.origin, after.number]
        args += [BATCH, new_origin(), self._ttl_ms]

        async def read() -> Any:
            return await self._read(keys=self._keys(session_id), args=args)

        reply = await (self._retrying(read) if retrying else read())
        origin, head, status, number, entries = (
            reply[0].decode(),
            int(reply[1]),
            int(reply[2]),
            int(reply[3]),
            reply[4],
        )
        if status < 0:
            raise InvalidCursor("the cursor is past the end of this chat")
        cursor = FeedCursor(origin, head if after is None else number)
        items = [FeedItem(cursor, GAP)] if status == 1 else []
        for entry_id, fields in entries:
            entry = ChatEntry.from_json(orjson.loads(dict(zip(fields[::2], fields[1::2], strict=True))[b"e"]))
            cursor = FeedCursor(origin, int(entry_id.split(b"-")[1]))
            if entry is not None:
                items.append(FeedItem(cursor, entry))
        return _Batch(items, cursor, more=len(entries) >= BATCH)

    async def _retrying(self, read: Callable[[], Awaitable[T]]) -> T:
        """The read's answer, retried with backoff while Redis fails."""
        delay = self._backoff[0]
        while True:
            try:
                answer = await read()
            except Exception as error:
                if not is_redis_failure(error) or self._closed.is_set():
                    raise
                self._health.noticed(error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._backoff[1])
                continue
            self._health.succeeded()
            return answer

    def _remember_lost(self, session_id: UUID) -> None:
        """Followers must not miss silently what Redis did not take: the next append writes a gap first."""
        self._lost[session_id] = None
        if len(self._lost) > MAX_LOST:
            del self._lost[next(iter(self._lost))]

    def _keys(self, session_id: UUID) -> list[str]:
        base = f"{self._prefix}coach-chat:{{{session_id}}}"
        return [f"{base}:meta", f"{base}:entries"]
