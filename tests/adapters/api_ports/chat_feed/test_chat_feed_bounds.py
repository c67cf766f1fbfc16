"""The `ChatFeed` contract, bounds: a session's feed keeps about `maxlen` entries for `ttl` after its last
append, and a follower whose cursor is older than what is kept gets a GAP first, never a silent loss."""

from __future__ import annotations

import uuid

from application.coaching.chat_feed import ChatEntryKind, FeedCursor
from tests.adapters.api_ports.chat_feed.feed_harness import Feeds, append_all, following, texts

MAXLEN = 10


async def test_a_feed_holds_about_maxlen_entries(feeds: Feeds) -> None:
    pair = await feeds.open(maxlen=MAXLEN, ttl_seconds=3600)
    session = uuid.uuid4()
    await append_all(pair.writer, session, range(1, 301))
    assert MAXLEN <= await feeds.held(pair, session) <= MAXLEN + feeds.slack


async def test_a_cursor_older_than_what_is_held_gets_a_gap_then_everything_held(feeds: Feeds) -> None:
    pair = await feeds.open(maxlen=MAXLEN, ttl_seconds=3600)
    session = uuid.uuid4()
    first = (await append_all(pair.writer, session, range(1, 2)))[0]
    await append_all(pair.writer, session, range(2, 301))
    held = await feeds.held(pair, session)
    async with following(pair.reader, session, first) as follower:
        gap, *entries = await follower.next(1 + held)
        await follower.assert_quiet()
    assert gap.entry.kind is ChatEntryKind.GAP
    assert gap.cursor.number == 300 - held
    assert [item.cursor.number for item in entries] == list(range(301 - held, 301))
    async with following(pair.reader, session, gap.cursor) as resumed:
        assert texts(await resumed.next(held)) == texts(entries)  # no second gap


async def test_a_cursor_at_the_last_trimmed_entry_gets_no_gap(feeds: Feeds) -> None:
    pair = await feeds.open(maxlen=MAXLEN, ttl_seconds=3600)
    session = uuid.uuid4()
    cursors = await append_all(pair.writer, session, range(1, 301))
    held = await feeds.held(pair, session)
    async with following(pair.reader, session, cursors[-held - 1]) as follower:
        items = await follower.next(held)
        await follower.assert_quiet()
    assert [item.cursor for item in items] == cursors[-held:]


async def test_a_feed_expires_after_its_ttl_and_an_old_cursor_then_gets_a_gap(feeds: Feeds) -> None:
    pair = await feeds.open(maxlen=MAXLEN, ttl_seconds=0.5)
    session = uuid.uuid4()
    old = (await append_all(pair.writer, session, range(1, 4)))[-1]
    await feeds.expire(pair, session)
    assert await feeds.held(pair, session) == 0
    fresh = (await append_all(pair.writer, session, range(4, 5)))[0]
    assert fresh.origin != old.origin
    async with following(pair.reader, session, old) as follower:
        gap, entry = await follower.next(2)
    assert (gap.entry.kind, gap.cursor) == (ChatEntryKind.GAP, FeedCursor(fresh.origin, 0))
    assert entry.cursor == fresh


async def test_a_follower_of_an_expired_feed_gets_a_gap_then_the_new_entries(feeds: Feeds) -> None:
    pair = await feeds.open(maxlen=MAXLEN, ttl_seconds=0.5)
    session = uuid.uuid4()
    seen = (await append_all(pair.writer, session, range(1, 2)))[0]
    await feeds.expire(pair, session)
    async with following(pair.reader, session, seen) as follower:
        gap = (await follower.next())[0]
        assert gap.entry.kind is ChatEntryKind.GAP
        await append_all(pair.writer, session, range(2, 3))
        assert texts(await follower.next()) == ["piece 2 "]
