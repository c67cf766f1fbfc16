"""The `ChatFeed` contract, delivery: the in-process adapter and Redis (written on one replica, followed on
another) deliver a session's entries in order, each once, live and after a cursor, to every follower."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from application.coaching.chat_feed import ChatEntryKind, FeedCursor, InvalidCursor
from tests.adapters.api_ports.chat_feed.feed_harness import Feeds, append_all, following, piece, texts

BOUNDS = {"maxlen": 1000, "ttl_seconds": 3600}


async def test_a_follower_gets_what_is_appended_after_it_entered_in_order(feeds: Feeds) -> None:
    pair = await feeds.open(**BOUNDS)
    session = uuid.uuid4()
    await append_all(pair.writer, session, range(1, 3))
    async with following(pair.reader, session, None) as follower:
        cursors = await append_all(pair.writer, session, range(3, 6))
        items = await follower.next(3)
        assert texts(items) == ["piece 3 ", "piece 4 ", "piece 5 "]
        assert [item.cursor for item in items] == cursors
        await follower.assert_quiet()


async def test_the_head_is_the_last_entry_s_cursor_and_following_after_it_gets_what_comes_next(
    feeds: Feeds,
) -> None:
    pair = await feeds.open(**BOUNDS)
    session = uuid.uuid4()
    assert (await pair.reader.head(session)).number == 0
    cursors = await append_all(pair.writer, session, range(1, 4))
    head = await pair.reader.head(session)
    assert head == cursors[-1]
    assert FeedCursor.parse(head.text()) == head
    await append_all(pair.writer, session, range(4, 5))
    async with following(pair.reader, session, head) as follower:
        assert texts(await follower.next()) == ["piece 4 "]


async def test_following_after_a_cursor_resumes_with_nothing_lost_and_nothing_repeated(feeds: Feeds) -> None:
    pair = await feeds.open(**BOUNDS)
    session = uuid.uuid4()
    start = await pair.reader.head(session)
    async with following(pair.reader, session, start) as first:
        await append_all(pair.writer, session, range(1, 6))
        seen = await first.next(2)
    await append_all(pair.writer, session, range(6, 8))  # while nobody follows
    async with following(pair.reader, session, seen[-1].cursor) as second:
        resumed = await second.next(5)
        await append_all(pair.writer, session, range(8, 9))
        resumed += await second.next(1)
        await second.assert_quiet()
    assert texts(seen + resumed) == [f"piece {n} " for n in range(1, 9)]
    assert [item.cursor.number for item in seen + resumed] == list(range(1, 9))


async def test_entries_appended_concurrently_from_two_places_each_arrive_once_in_feed_order(
    feeds: Feeds,
) -> None:
    pair = await feeds.open(**BOUNDS)
    session = uuid.uuid4()
    async with following(pair.reader, session, None) as follower:
        await asyncio.gather(
            append_all(pair.writer, session, range(1, 41)), append_all(pair.reader, session, range(41, 81))
        )
        items = await follower.next(80)
        await follower.assert_quiet()
    assert [item.cursor.number for item in items] == list(range(1, 81))
    assert sorted(item.entry.seq for item in items) == list(range(1, 81))


async def test_two_followers_each_get_every_entry(feeds: Feeds) -> None:
    pair = await feeds.open(**BOUNDS)
    session = uuid.uuid4()
    async with (
        following(pair.reader, session, None) as one,
        following(pair.writer, session, None) as other,
    ):
        await append_all(pair.writer, session, range(1, 11))
        assert texts(await one.next(10)) == texts(await other.next(10))
        assert len({item.cursor for item in one.items}) == 10


async def test_sessions_do_not_see_each_other_s_entries(feeds: Feeds) -> None:
    pair = await feeds.open(**BOUNDS)
    session, other = uuid.uuid4(), uuid.uuid4()
    async with following(pair.reader, session, None) as follower:
        await append_all(pair.writer, other, range(1, 3))
        await append_all(pair.writer, session, range(3, 4))
        assert texts(await follower.next()) == ["piece 3 "]
        await follower.assert_quiet()


async def test_an_entry_keeps_its_fields(feeds: Feeds) -> None:
    pair = await feeds.open(**BOUNDS)
    session = uuid.uuid4()
    entry = piece(3)
    async with following(pair.reader, session, None) as follower:
        await pair.writer.append(session, entry)
        assert (await follower.next())[0].entry == entry


async def test_a_cursor_past_the_end_of_the_feed_is_refused(feeds: Feeds) -> None:
    pair = await feeds.open(**BOUNDS)
    session = uuid.uuid4()
    last = (await append_all(pair.writer, session, range(1, 3)))[-1]
    forged = FeedCursor(last.origin, last.number + 5)
    with pytest.raises(InvalidCursor):
        async with pair.reader.follow(session, forged):
            pass


@pytest.mark.parametrize(
    "text", ["", "garbage", "djEuMTIzNC41", FeedCursor("0" * 16, 3).text() + "x", "v1.0123456789abcdef.3"]
)
def test_a_cursor_no_feed_issued_does_not_parse(text: str) -> None:
    with pytest.raises(InvalidCursor):
        FeedCursor.parse(text)


def test_a_cursor_is_opaque_and_parses_back() -> None:
    cursor = FeedCursor("0123456789abcdef", 42)
    assert "0123456789abcdef" not in cursor.text()
    assert FeedCursor.parse(cursor.text()) == cursor


async def test_a_message_entry_has_no_reply(feeds: Feeds) -> None:
    pair = await feeds.open(**BOUNDS)
    session = uuid.uuid4()
    message = piece(0).__class__(kind=ChatEntryKind.MESSAGE, message_id=uuid.uuid4(), position=12)
    async with following(pair.reader, session, None) as follower:
        await pair.writer.append(session, message)
        (item,) = await follower.next()
    assert (item.entry.kind, item.entry.reply_id, item.entry.position) == (ChatEntryKind.MESSAGE, None, 12)


async def test_an_entry_equal_to_the_last_one_is_not_added_again(feeds: Feeds) -> None:
    pair = await feeds.open(**BOUNDS)
    session = uuid.uuid4()
    async with following(pair.reader, session, None) as follower:
        first = await pair.writer.append(session, piece(1))
        again = await pair.writer.append(session, piece(1))  # e.g. retried after a timeout
        assert again == first
        await append_all(pair.writer, session, range(2, 3))
        assert texts(await follower.next(2)) == ["piece 1 ", "piece 2 "]
        await follower.assert_quiet()


async def test_forgetting_a_session_deletes_every_entry_it_held(feeds: Feeds) -> None:
    pair = await feeds.open(**BOUNDS)
    session, other = uuid.uuid4(), uuid.uuid4()
    await append_all(pair.writer, session, range(1, 4))
    await append_all(pair.writer, other, range(1, 2))
    await pair.reader.forget(session)
    assert (await pair.reader.head(session)).number == 0
    async with following(pair.reader, session, None) as follower:
        await follower.assert_quiet()
    assert (await pair.writer.head(other)).number == 1
    await pair.writer.forget(session)  # again: nothing to delete, no error
