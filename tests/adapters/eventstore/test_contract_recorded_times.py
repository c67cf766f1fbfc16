"""The EventStore contract for recorded times, run against every adapter (see `store` in conftest.py): an
event moved from another log keeps the time it was first recorded; the others get the store's clock."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from application.eventstore import EventStore, NewEvent, StreamState
from tests.adapters.eventstore import command_metadata, fresh_stream, new_event, new_events

FIRST_RECORDED = datetime(2021, 6, 7, 8, 9, 10, 123456, tzinfo=UTC)


async def test_given_recorded_times_read_back_unchanged_by_stream_and_from_the_log(store: EventStore) -> None:
    stream = fresh_stream()
    start = await store.current_position()
    sent = [
        replace(event, recorded_at=FIRST_RECORDED + timedelta(microseconds=index))
        for index, event in enumerate(new_events(3))
    ]
    await store.append(stream, sent, StreamState.NO_STREAM)

    by_stream = await store.read_stream(stream)
    from_log = [event for event in await store.read_all(after=start, limit=100) if event.stream == stream]

    expected = [event.recorded_at for event in sent]
    assert [event.recorded_at for event in by_stream] == expected
    assert [event.recorded_at for event in from_log] == expected
    assert [event.metadata for event in by_stream] == [event.metadata for event in sent]


async def test_a_time_in_another_zone_is_the_same_instant(store: EventStore) -> None:
    stream = fresh_stream()
    in_tokyo = FIRST_RECORDED.astimezone(timezone(timedelta(hours=9)))
    await store.append(stream, [replace(new_event(), recorded_at=in_tokyo)], StreamState.NO_STREAM)
    [recorded] = await store.read_stream(stream)
    assert recorded.recorded_at == FIRST_RECORDED
    assert recorded.recorded_at.utcoffset() is not None


async def test_events_without_a_time_are_stamped_by_the_store_next_to_ones_with_a_time(
    store: EventStore,
) -> None:
    stream = fresh_stream()
    moved = replace(new_event(), recorded_at=FIRST_RECORDED)
    await store.append(stream, [moved, new_event()], StreamState.NO_STREAM)
    [first, second] = await store.read_stream(stream)
    assert first.recorded_at == FIRST_RECORDED
    assert second.recorded_at.utcoffset() is not None
    assert second.recorded_at > FIRST_RECORDED + timedelta(days=365)  # the store's clock, not the given time


async def test_a_retry_with_other_times_writes_nothing_and_keeps_the_first_times(store: EventStore) -> None:
    stream = fresh_stream()
    sent = [replace(event, recorded_at=FIRST_RECORDED) for event in new_events(2)]
    first = await store.append(stream, sent, StreamState.NO_STREAM)
    later = [replace(event, recorded_at=FIRST_RECORDED + timedelta(hours=1)) for event in sent]
    assert await store.append(stream, later, StreamState.NO_STREAM) == first
    assert [event.recorded_at for event in await store.read_stream(stream)] == [FIRST_RECORDED] * 2


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time-zone aware"):
        NewEvent(uuid.uuid4(), "ExerciseAdded", 1, {}, command_metadata(), recorded_at=datetime(2021, 6, 7))
