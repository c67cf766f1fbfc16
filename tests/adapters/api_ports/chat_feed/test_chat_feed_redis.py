"""`RedisChatFeed` beyond the contract: live messages are only a shortcut (a follower that never hears
them still gets every entry, by reading the stream when quiet), and a Redis outage loses no entry
silently: appends return None instead of raising, the next append Redis takes writes a GAP first, and
once Redis is back empty (a restart without persistence) a follower gets a GAP and then the new entries."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from adapters.memory.pubsub import InMemoryPubSub
from adapters.redis.chat_feed import RedisChatFeed
from adapters.redis.pubsub import RedisPubSub
from application.coaching.chat_feed import ChatEntryKind
from application.coaching.reply_publisher import ReplyPublisher
from tests.adapters.api_ports.chat_feed.feed_harness import append_all, following, piece, texts
from tests.adapters.api_ports.redis_server import REDIS_URL, RedisServer, delete_prefixed, unique_prefix

QUICK_RECHECK = 0.2


@pytest.fixture
async def feed(redis_server: RedisServer) -> AsyncIterator[RedisChatFeed]:
    """A feed (and its pub/sub) on the throwaway Redis, quick to notice an outage and its end."""
    pubsub = await RedisPubSub.connect(redis_server.url, backoff=(0.05, 0.2))
    feed = await RedisChatFeed.connect(
        redis_server.url,
        pubsub,
        maxlen=100,
        ttl_seconds=60,
        timeout_seconds=0.2,
        recheck_seconds=QUICK_RECHECK,
        backoff=(0.05, 0.2),
    )
    yield feed
    await feed.close()
    await pubsub.close()


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    prefix = unique_prefix()
    yield prefix
    await delete_prefixed(REDIS_URL, prefix)


async def test_a_follower_that_hears_no_live_message_still_gets_every_entry_in_order(prefix: str) -> None:
    here = await RedisPubSub.connect(REDIS_URL, prefix=prefix)
    deaf = InMemoryPubSub()  # the follower listens where nothing is announced
    writer = await RedisChatFeed.connect(REDIS_URL, here, prefix=prefix, maxlen=100, ttl_seconds=60)
    reader = await RedisChatFeed.connect(
        REDIS_URL, deaf, prefix=prefix, maxlen=100, ttl_seconds=60, recheck_seconds=QUICK_RECHECK
    )
    session = uuid.uuid4()
    try:
        async with following(reader, session, None) as follower:
            await append_all(writer, session, range(1, 6))
            assert texts(await follower.next(5)) == [f"piece {n} " for n in range(1, 6)]
            await follower.assert_quiet(wait=3 * QUICK_RECHECK)
    finally:
        for closeable in (writer, reader, here, deaf):
            await closeable.close()


async def test_the_append_itself_announces_the_entry_to_followers_on_every_replica(prefix: str) -> None:
    """The writer's own `PubSub` reaches nobody and followers never recheck (an hour): what they hear
    comes from the append script, through their replicas' `RedisPubSub`."""
    deaf = InMemoryPubSub()
    writer = await RedisChatFeed.connect(REDIS_URL, deaf, prefix=prefix, maxlen=100, ttl_seconds=60)
    pubsubs = [await RedisPubSub.connect(REDIS_URL, prefix=prefix) for _ in range(2)]
    readers = [
        await RedisChatFeed.connect(
            REDIS_URL, pubsub, prefix=prefix, maxlen=100, ttl_seconds=60, recheck_seconds=3600
        )
        for pubsub in pubsubs
    ]
    session = uuid.uuid4()
    try:
        async with following(readers[0], session, None) as one, following(readers[1], session, None) as two:
            await append_all(writer, session, range(1, 4))
            for follower in (one, two):
                assert texts(await follower.next(3)) == ["piece 1 ", "piece 2 ", "piece 3 "]
    finally:
        for feed in (writer, *readers):
            await feed.close()
        await deaf.close()
        for pubsub in pubsubs:
            await pubsub.close()


async def test_through_an_outage_appends_return_none_and_the_follower_then_gets_a_gap(
    redis_server: RedisServer, feed: RedisChatFeed
) -> None:
    session = uuid.uuid4()
    async with following(feed, session, None) as follower:
        await append_all(feed, session, range(1, 3))
        assert texts(await follower.next(2)) == ["piece 1 ", "piece 2 "]

        await redis_server.kill()
        assert await feed.append(session, piece(3)) is None
        await redis_server.start()  # empty: what the feed held is gone

        gap = (await follower.next(within=20))[0]
        assert gap.entry.kind is ChatEntryKind.GAP
        await append_all(feed, session, range(4, 5))
        # Another GAP may come first: this feed also notes that Redis did not take piece 3.
        after = await follower.next(within=10)
        if after[-1].entry.kind is ChatEntryKind.GAP:
            after += await follower.next(within=10)
        assert texts(after)[-1:] == ["piece 4 "]


async def test_an_append_redis_did_not_take_makes_the_next_one_write_a_gap_first(
    redis_server: RedisServer, feed: RedisChatFeed
) -> None:
    session = uuid.uuid4()
    async with following(feed, session, None) as follower:
        await append_all(feed, session, range(1, 2))
        assert texts(await follower.next()) == ["piece 1 "]

        redis_server.pause()
        try:
            assert await feed.append(session, piece(2)) is None
        finally:
            redis_server.resume()
        for _ in range(200):  # Redis is probed again once the outage's backoff allows
            if await feed.append(session, piece(3)) is not None:
                break
            await asyncio.sleep(0.05)

        items = await follower.next(within=10)
        while items[-1].entry.kind is ChatEntryKind.GAP or items[-1].entry.seq != 3:
            items += await follower.next(within=10)
    # Piece 2 timed out here but may have reached Redis (it ran the command once unfrozen): then it comes
    # too. Either way a GAP comes before piece 3, and nothing comes twice.
    assert texts(items)[-2:] == ["GAP", "piece 3 "]
    assert texts(items)[:-2] in ([], ["piece 2 "])
    assert [item.cursor.number for item in items] == list(range(2, 2 + len(items)))


async def test_a_completion_redis_did_not_take_at_first_is_written_once_it_answers(
    redis_server: RedisServer, feed: RedisChatFeed
) -> None:
    session, reply, message = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    publisher = ReplyPublisher(feed, session, reply, message)
    async with following(feed, session, None) as follower:
        await publisher.started("offline")
        redis_server.pause()
        try:
            completing = asyncio.create_task(publisher.completed("offline", position=42))
            await asyncio.sleep(0.5)  # its first attempt times out
        finally:
            redis_server.resume()
        await asyncio.wait_for(completing, 15)
        items = await follower.next(2, within=10)
        await follower.assert_quiet()
    assert [(item.entry.kind, item.entry.position) for item in items] == [
        (ChatEntryKind.STARTED, 0),
        (ChatEntryKind.COMPLETED, 42),
    ]
