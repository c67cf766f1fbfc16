"""`ReplyPublisher` on the in-process chat feed: a model's text is written as numbered frames (the first
text at once, what streams within one frame time after it becomes one delta, no frame longer than
`max_frame`), pending text is written before
a reset, a completion or a failure, and a frame is written on its own once its time is up."""

from __future__ import annotations

import asyncio
import uuid

from adapters.memory.chat_feed import InMemoryChatFeed
from application.coaching.chat_feed import ChatEntry, ChatEntryKind, FeedCursor
from application.coaching.reply_publisher import ReplyPublisher
from tests.coaching.worker_support import deltas, feed_entries, kinds

SESSION, REPLY, MESSAGE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


async def written(feed: InMemoryChatFeed, start: FeedCursor, until: ChatEntryKind) -> list[ChatEntry]:
    return await feed_entries(feed, SESSION, start, until=until)


async def first_deltas(feed: InMemoryChatFeed, start: FeedCursor, count: int) -> list[ChatEntry]:
    frames: list[ChatEntry] = []
    async with asyncio.timeout(5), feed.follow(SESSION, start) as items:
        async for item in items:
            frames += [item.entry] if item.entry.kind is ChatEntryKind.DELTA else []
            if len(frames) == count:
                break
    return frames


async def test_the_first_text_is_written_at_once_and_what_follows_within_one_frame_time_is_one_delta() -> (
    None
):
    feed = InMemoryChatFeed(maxlen=1000, ttl_seconds=60)
    start = await feed.head(SESSION)
    publisher = ReplyPublisher(feed, SESSION, REPLY, MESSAGE)
    await publisher.started("offline")
    for _ in range(100):
        await publisher.delta("ab")  # nothing yields to the loop: the frame's timer cannot fire meanwhile
    await publisher.completed("offline", position=7)
    entries = await written(feed, start, ChatEntryKind.COMPLETED)
    assert kinds(entries) == [
        ChatEntryKind.STARTED,
        ChatEntryKind.DELTA,
        ChatEntryKind.DELTA,
        ChatEntryKind.COMPLETED,
    ]
    assert [(entry.seq, entry.text) for entry in entries[1:3]] == [(1, "ab"), (2, "ab" * 99)]
    assert (entries[3].reply_id, entries[3].message_id, entries[3].position) == (REPLY, MESSAGE, 7)


async def test_no_frame_is_longer_than_max_frame() -> None:
    feed = InMemoryChatFeed(maxlen=1000, ttl_seconds=60)
    start = await feed.head(SESSION)
    publisher = ReplyPublisher(feed, SESSION, REPLY, MESSAGE, max_frame=500)
    await publisher.delta("x" * 300)
    await publisher.whole("y" * 934)
    await publisher.failed("provider_error")
    entries = await written(feed, start, ChatEntryKind.FAILED)
    frames = deltas(entries)
    assert [(frame.seq, len(frame.text)) for frame in frames] == [(1, 300), (2, 500), (3, 434)]
    assert "".join(frame.text for frame in frames) == "x" * 300 + "y" * 934
    assert (entries[-1].kind, entries[-1].text) == (ChatEntryKind.FAILED, "provider_error")


async def test_pending_text_is_written_before_a_reset_and_numbering_then_starts_again() -> None:
    feed = InMemoryChatFeed(maxlen=1000, ttl_seconds=60)
    start = await feed.head(SESSION)
    publisher = ReplyPublisher(feed, SESSION, REPLY, MESSAGE)
    await publisher.delta("Half a ")
    await publisher.reset("offline")
    await publisher.delta("Whole reply.")
    await publisher.completed("offline", position=9)
    entries = await written(feed, start, ChatEntryKind.COMPLETED)
    assert [(e.kind, e.seq, e.text, e.provider) for e in entries] == [
        (ChatEntryKind.DELTA, 1, "Half a ", ""),
        (ChatEntryKind.RESET, 0, "", "offline"),
        (ChatEntryKind.DELTA, 1, "Whole reply.", ""),
        (ChatEntryKind.COMPLETED, 0, "", "offline"),
    ]


async def test_a_frame_is_written_once_its_time_is_up_without_another_call() -> None:
    feed = InMemoryChatFeed(maxlen=1000, ttl_seconds=60)
    start = await feed.head(SESSION)
    publisher = ReplyPublisher(feed, SESSION, REPLY, MESSAGE, frame_seconds=0.05)
    await publisher.delta("Warm up ")
    await publisher.delta("first.")  # within the frame time of the first: held for the next frame
    assert [(frame.seq, frame.text) for frame in await first_deltas(feed, start, 2)] == [
        (1, "Warm up "),
        (2, "first."),
    ]


async def test_text_after_a_quiet_frame_time_is_written_at_once() -> None:
    feed = InMemoryChatFeed(maxlen=1000, ttl_seconds=60)
    start = await feed.head(SESSION)
    publisher = ReplyPublisher(feed, SESSION, REPLY, MESSAGE, frame_seconds=0.01)
    await publisher.delta("Warm up ")
    await asyncio.sleep(0.02)
    await publisher.delta("first.")
    assert feed.held(SESSION) == 2  # both written by the calls themselves, no frame pending
    assert [(frame.seq, frame.text) for frame in await first_deltas(feed, start, 2)] == [
        (1, "Warm up "),
        (2, "first."),
    ]
