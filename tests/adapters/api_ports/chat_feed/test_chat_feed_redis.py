"""`RedisChatFeed` beyond the contract: live messages are only a shortcut (a follower that never hears
them still gets every entry, by reading the stream when quiet), and a Redis outage loses no entry
silently: appends return None instead of raising, and once Redis is back (empty, as after a restart
without persistence) a follower gets a GAP and then the new entries."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from adapters.memory.pubsub import InMemoryPubSub
from adapters.redis.chat_feed import RedisChatFeed
from adapters.redis.pubsub import RedisPubSub
from application.coaching.chat_feed import ChatEntryKind
from tests.adapters.api_ports.chat_feed.feed_harness import append_all, following, piece, texts
from tests.adapters.api_ports.redis_server import REDIS_URL, RedisServer, delete_prefixed, unique_prefix

QUICK_RECHECK = 0.2


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    prefix = unique_prefix()
    yield prefix
    await delete_prefixed(REDIS_URL, prefix)


async def test_a_follower_that_hears_no_live_message_still_gets_every_entry_in_order(prefix: str) -> None:
    elsewhere = InMemoryPubSub()  # the writer announces where the follower does not listen
    here = await RedisPubSub.connect(REDIS_URL, prefix=prefix)
    writer = await RedisChatFeed.connect(REDIS_URL, elsewhere, prefix=prefix, maxlen=100, ttl_seconds=60)
    reader = await RedisChatFeed.connect(
        REDIS_URL, here, prefix=prefix, maxlen=100, ttl_seconds=60, recheck_seconds=QUICK_RECHECK
    )
    session = uuid.uuid4()
    try:
        async with following(reader, session, None) as follower:
            await append_all(writer, session, range(1, 6))
            assert texts(await follower.next(5)) == [f"piece {n} " for n in range(1, 6)]
            await follower.assert_quiet(wait=3 * QUICK_RECHECK)
    finally:
        for closeable in (writer, reader, here, elsewhere):
            await closeable.close()


async def test_through_an_outage_appends_return_none_and_the_follower_then_gets_a_gap(
    redis_server: RedisServer,
) -> None:
    pubsub = await RedisPubSub.connect(redis_server.url, backoff=(0.05, 0.2))
    feed = await RedisChatFeed.connect(
        redis_server.url,
        pubsub,
        maxlen=100,
        ttl_seconds=60,
        recheck_seconds=QUICK_RECHECK,
        backoff=(0.05, 0.2),
    )
    session = uuid.uuid4()
    try:
        async with following(feed, session, None) as follower:
            await append_all(feed, session, range(1, 3))
            assert texts(await follower.next(2)) == ["piece 1 ", "piece 2 "]

            await redis_server.kill()
            assert await feed.append(session, piece(3)) is None
            await redis_server.start()  # empty: what the feed held is gone

            gap = (await follower.next(within=20))[0]
            assert gap.entry.kind is ChatEntryKind.GAP
            await append_all(feed, session, range(4, 5))
            assert texts(await follower.next(within=10)) == ["piece 4 "]
    finally:
        await feed.close()
        await pubsub.close()
