"""The EventStore contract for `subscribe_all`, run against every adapter (see `store` in conftest.py): a
subscription starts after the given position, catches up on stored events, then follows live ones.

The log may be shared and non-empty (KurrentDB cannot be truncated), so each test writes to its own streams.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from typing import cast

from application.eventstore import EventStore, RecordedEvent, StreamState
from tests.adapters.eventstore import fresh_stream, new_events

GUARD_SECONDS = 20  # only stops a broken subscription from hanging the suite


async def take(events: AsyncIterator[RecordedEvent], count: int, streams: set[str]) -> list[RecordedEvent]:
    taken: list[RecordedEvent] = []
    async with asyncio.timeout(GUARD_SECONDS):
        async for event in events:
            if event.stream in streams:
                taken.append(event)
                if len(taken) == count:
                    break
    return taken


async def test_subscription_catches_up_then_follows_live_events(store: EventStore) -> None:
    stream = fresh_stream()
    start = await store.current_position()
    earlier = new_events(3)
    await store.append(stream, earlier, StreamState.NO_STREAM)

    subscription = cast(AsyncGenerator[RecordedEvent, None], store.subscribe_all(after=start))
    caught_up = await take(subscription, 3, {stream})
    live_events = asyncio.ensure_future(take(subscription, 2, {stream}))
    later = new_events(2)
    try:
        await store.append(stream, later, 3)
        live = await live_events
    finally:
        live_events.cancel()
        await asyncio.gather(live_events, return_exceptions=True)
        await subscription.aclose()

    assert [e.event_id for e in caught_up] == [e.event_id for e in earlier]
    assert [e.event_id for e in live] == [e.event_id for e in later]
    assert [e.stream_version for e in caught_up + live] == [1, 2, 3, 4, 5]
    positions = [e.position for e in caught_up + live]
    assert positions == sorted(set(positions))


async def test_subscription_starts_after_the_given_position(store: EventStore) -> None:
    stream = fresh_stream()
    await store.append(stream, new_events(2), StreamState.NO_STREAM)
    tail = new_events(2)
    await store.append(stream, tail, 2)
    second = (await store.read_stream(stream))[1]

    subscription = cast(AsyncGenerator[RecordedEvent, None], store.subscribe_all(after=second.position))
    try:
        received = await take(subscription, 2, {stream})
    finally:
        await subscription.aclose()
    assert [e.event_id for e in received] == [e.event_id for e in tail]
