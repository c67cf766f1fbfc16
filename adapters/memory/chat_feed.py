"""`InMemoryChatFeed`: the `ChatFeed` port inside one process, for the embedded default without Redis.

Each session's feed is a bounded deque of numbered entries under an origin of its own, dropped `ttl` after
its last write (checked lazily, on every write and read: feeds are kept in order of their deadlines, which
all have the same length). Followers wait on the feed's event, which every append sets; the feed's
expiry and `close()` set it too, so a waiting follower always wakes to look again. A restarted process
starts new origins: its clients' cursors then get a `gap`, as they would after an expiry in Redis.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import OrderedDict, deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from uuid import UUID

from application.coaching.chat_feed import GAP, ChatEntry, FeedCursor, FeedItem, InvalidCursor, new_origin


@dataclass(eq=False)
class _Feed:
    origin: str
    expires_at: float
    maxlen: int
    head: int = 0
    entries: deque[ChatEntry] = field(default_factory=deque)
    """Entries `head - len(entries) + 1` to `head`."""
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def append(self, entry: ChatEntry) -> FeedCursor:
        if self.entries and self.entries[-1] == entry:
            return FeedCursor(self.origin, self.head)  # a retried append: taken already
        self.head += 1
        self.entries.append(entry)
        if len(self.entries) > self.maxlen:
            self.entries.popleft()
        self.wake()
        return FeedCursor(self.origin, self.head)

    def wake(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()

    def after(self, cursor: FeedCursor) -> list[FeedItem]:
        """What follows `cursor`: a gap first if part of it is no longer held."""
        if cursor.origin == self.origin and cursor.number > self.head:
            raise InvalidCursor("the cursor is past the end of this chat")
        start = cursor.number if cursor.origin == self.origin else 0
        first = self.head - len(self.entries) + 1
        items = []
        if cursor.origin != self.origin or first > start + 1:
            start = max(start, first - 1)
            items.append(FeedItem(FeedCursor(self.origin, start), GAP))
        held = itertools.islice(self.entries, start + 1 - first, None)
        items.extend(FeedItem(FeedCursor(self.origin, n), e) for n, e in enumerate(held, start + 1))
        return items


class InMemoryChatFeed:
    def __init__(
        self, *, maxlen: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if maxlen < 1 or ttl_seconds <= 0:
            raise ValueError("maxlen must be at least 1 and ttl_seconds above 0")
        self._maxlen = maxlen
        self._ttl = ttl_seconds
        self._clock = clock
        self._feeds: OrderedDict[UUID, _Feed] = OrderedDict()
        """By deadline, soonest first."""
        self._closed = False

    async def append(self, session_id: UUID, entry: ChatEntry) -> FeedCursor | None:
        if self._closed:
            return None
        feed = self._feed(session_id)
        feed.expires_at = self._clock() + self._ttl
        self._feeds.move_to_end(session_id)
        return feed.append(entry)

    async def head(self, session_id: UUID) -> FeedCursor:
        feed = self._feed(session_id)
        return FeedCursor(feed.origin, feed.head)

    @asynccontextmanager
    async def follow(
        self, session_id: UUID, after: FeedCursor | None
    ) -> AsyncIterator[AsyncIterator[FeedItem]]:
        feed = self._feed(session_id)
        first = feed.after(after) if after is not None else []
        items = self._items(session_id, first, after or FeedCursor(feed.origin, feed.head))
        try:
            yield items
        finally:
            await items.aclose()

    async def forget(self, session_id: UUID) -> None:
        feed = self._feeds.pop(session_id, None)
        if feed is not None:
            feed.wake()  # its followers look again, and find a new, empty feed

    async def close(self) -> None:
        self._closed = True
        for feed in self._feeds.values():
            feed.wake()

    def held(self, session_id: UUID) -> int:
        """How many entries the session's feed holds now (for tests)."""
        self._expire()
        feed = self._feeds.get(session_id)
        return 0 if feed is None else len(feed.entries)

    async def _items(
        self, session_id: UUID, first: list[FeedItem], cursor: FeedCursor
    ) -> AsyncGenerator[FeedItem]:
        items = first
        while not self._closed:
            for item in items:
                cursor = item.cursor
                yield item
            feed = self._feed(session_id)
            changed = feed.changed
            items = feed.after(cursor)
            if not items:
                await changed.wait()

    def _feed(self, session_id: UUID) -> _Feed:
        self._expire()
        feed = self._feeds.get(session_id)
        if feed is None:
            feed = _Feed(new_origin(), self._clock() + self._ttl, self._maxlen)
            self._feeds[session_id] = feed
        return feed

    def _expire(self) -> None:
        now = self._clock()
        while self._feeds:
            session_id, feed = next(iter(self._feeds.items()))
            if feed.expires_at > now:
                return
            del self._feeds[session_id]
            feed.wake()  # its followers look again, and find a new origin
