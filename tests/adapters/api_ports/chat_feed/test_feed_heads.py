"""`FeedHeads`: the heads of many chat feeds, asked for at about the same time, come from one pipelined
round trip, and each asker gets its own feed's head (None for a feed that does not exist)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import pytest
from redis.asyncio import Redis

from adapters.memory.pubsub import InMemoryPubSub
from adapters.redis.chat_feed import RedisChatFeed
from adapters.redis.feed_heads import FeedHead, FeedHeads
from application.coaching.chat_feed import FeedCursor
from tests.adapters.api_ports.chat_feed.feed_harness import piece
from tests.adapters.api_ports.redis_server import REDIS_URL, delete_prefixed, unique_prefix


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    prefix = unique_prefix()
    yield prefix
    await delete_prefixed(REDIS_URL, prefix)


class CountedHeads(FeedHeads):
    def __init__(self, client: Redis, prefix: str) -> None:
        super().__init__(
            client, lambda session: f"{prefix}coach-chat:{{{session}}}:meta", window_seconds=0.05
        )
        self.reads: list[int] = []

    async def _read(self, session_ids: list[UUID]) -> list[Any]:
        self.reads.append(len(session_ids))
        return await super()._read(session_ids)


async def test_heads_asked_together_share_one_round_trip_and_each_is_its_own_feeds(prefix: str) -> None:
    pubsub = InMemoryPubSub()
    feed = await RedisChatFeed.connect(REDIS_URL, pubsub, prefix=prefix, maxlen=100, ttl_seconds=60)
    client = Redis.from_url(REDIS_URL)
    written = [uuid.uuid4() for _ in range(20)]
    cursors: dict[UUID, FeedCursor | None] = {}
    try:
        for count, session in enumerate(written, start=1):
            for number in range(count):
                cursors[session] = await feed.append(session, piece(number))
        unknown = uuid.uuid4()
        heads = CountedHeads(client, prefix)
        answers = await asyncio.gather(*(heads.head(session) for session in [*written, unknown, written[0]]))
        assert heads.reads == [21]  # one pipeline; the session asked twice is read once
        for session, head in zip(written, answers, strict=False):
            cursor = cursors[session]
            assert cursor is not None
            assert head == FeedHead(cursor.origin, cursor.number)
            assert not head.moved_past(cursor)
            assert head.moved_past(FeedCursor(cursor.origin, cursor.number - 1))
            assert head.moved_past(FeedCursor("0" * 16, cursor.number))
        assert answers[-2] == FeedHead(None, 0)
        assert answers[-1] == answers[0]
        assert await heads.head(written[1]) == answers[1]  # a later question: a read of its own
        assert heads.reads == [21, 1]
    finally:
        await client.aclose()
        await feed.close()
        await pubsub.close()
