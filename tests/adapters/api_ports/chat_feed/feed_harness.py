"""The harness of the `ChatFeed` contract: `Feeds` opens a writer and a reader feed (the same object in
process; on Redis two replicas, each with its own `RedisPubSub`), tells how many entries a session holds
and lets a session's feed expire; `Follower` drains a follow into a queue, so a test can wait for items
or check that none come without cancelling the follow itself."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from uuid import UUID

import pytest

from application.coaching.chat_feed import ChatEntry, ChatEntryKind, ChatFeed, FeedCursor, FeedItem

REPLY = uuid.UUID(int=7)
MESSAGE = uuid.UUID(int=8)


@dataclass
class Pair:
    writer: ChatFeed
    reader: ChatFeed
    """Another replica on Redis; the writer itself in process."""


@dataclass
class Feeds:
    kind: str
    open: Callable[..., Awaitable[Pair]]
    """open(maxlen=..., ttl_seconds=...): a writer and a reader with those bounds."""
    held: Callable[[Pair, UUID], Awaitable[int]]
    expire: Callable[[Pair, UUID], Awaitable[None]]
    """Until the session's feed has expired (its TTL passed since its last append)."""
    slack: int = 0
    """How many entries past `maxlen` the adapter may hold (Redis trims whole nodes: MAXLEN ~)."""


def piece(number: int) -> ChatEntry:
    return ChatEntry(
        kind=ChatEntryKind.DELTA, message_id=MESSAGE, reply_id=REPLY, seq=number, text=f"piece {number} "
    )


def texts(items: list[FeedItem]) -> list[str]:
    return [item.entry.text if item.entry.kind is not ChatEntryKind.GAP else "GAP" for item in items]


async def append_all(feed: ChatFeed, session_id: UUID, numbers: range) -> list[FeedCursor]:
    cursors = []
    for number in numbers:
        cursor = await feed.append(session_id, piece(number))
        assert cursor is not None
        cursors.append(cursor)
    return cursors


@dataclass
class Follower:
    items: list[FeedItem] = field(default_factory=list)
    _queue: asyncio.Queue[FeedItem] = field(default_factory=asyncio.Queue)

    async def next(self, count: int = 1, within: float = 5.0) -> list[FeedItem]:
        taken = [await asyncio.wait_for(self._queue.get(), within) for _ in range(count)]
        self.items.extend(taken)
        return taken

    async def assert_quiet(self, wait: float = 0.3) -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(self._queue.get(), wait)

    async def _drain(self, items: AsyncIterator[FeedItem]) -> None:
        async for item in items:
            self._queue.put_nowait(item)


@contextlib.asynccontextmanager
async def following(feed: ChatFeed, session_id: UUID, after: FeedCursor | None) -> AsyncIterator[Follower]:
    """A follow whose items are read in the background from the moment it is entered."""
    follower = Follower()
    async with feed.follow(session_id, after) as items:
        task = asyncio.create_task(follower._drain(items))
        try:
            yield follower
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
