"""The EventStore contract: every adapter must pass all of these (see `store` in conftest.py).

The log may be shared and non-empty (KurrentDB cannot be truncated), so each test writes to its own
streams and measures global positions relative to `current_position()` taken when it starts.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import datetime
from typing import cast

import pytest

from application.eventstore import (
    AppendResult,
    DuplicateEventId,
    EventStore,
    InvalidStreamName,
    RecordedEvent,
    StreamState,
    WrongExpectedVersion,
)
from tests.eventstore import command_metadata, fresh_stream, new_event, new_events

GUARD_SECONDS = 20  # only stops a broken subscription from hanging the suite


async def versions(store: EventStore, stream: str) -> list[int]:
    return [event.stream_version for event in await store.read_stream(stream)]


async def take(events: AsyncIterator[RecordedEvent], count: int, streams: set[str]) -> list[RecordedEvent]:
    taken: list[RecordedEvent] = []
    async with asyncio.timeout(GUARD_SECONDS):
        async for event in events:
            if event.stream in streams:
                taken.append(event)
                if len(taken) == count:
                    break
    return taken


# --- append and read back -------------------------------------------------------------------------


async def test_appended_events_read_back_with_every_envelope_field(store: EventStore) -> None:
    stream = fresh_stream()
    start = await store.current_position()
    meta = command_metadata(user_id=uuid.uuid4(), causation_id=uuid.uuid4())
    sent = [
        new_event(
            "WorkoutPlanCreated", data={"name": "Leg day", "weeks": 4, "tags": ["legs"]}, metadata=meta
        ),
        new_event("ExerciseAdded", data={"exercise": {"name": "squat", "sets": 5}}, schema_version=2),
    ]

    result = await store.append(stream, sent, StreamState.NO_STREAM)
    recorded = await store.read_stream(stream)

    assert [(e.event_id, e.type, e.schema_version, e.data, e.metadata) for e in recorded] == [
        (s.event_id, s.type, s.schema_version, s.data, s.metadata) for s in sent
    ]
    assert [e.stream for e in recorded] == [stream, stream]
    assert [e.stream_version for e in recorded] == [1, 2]
    assert start < recorded[0].position < recorded[1].position
    assert all(isinstance(e.recorded_at, datetime) and e.recorded_at.tzinfo is not None for e in recorded)
    assert result == AppendResult(stream_version=2, position=recorded[1].position)


async def test_metadata_without_optional_ids_round_trips(store: EventStore) -> None:
    stream = fresh_stream()
    sent = new_event(metadata=command_metadata())
    await store.append(stream, [sent], StreamState.NO_STREAM)
    [recorded] = await store.read_stream(stream)
    assert recorded.metadata == sent.metadata
    assert recorded.metadata.user_id is None
    assert recorded.metadata.causation_id is None


async def test_any_json_text_round_trips_unchanged(store: EventStore) -> None:
    stream = fresh_stream()
    data = {"note": 'nul\x00 byte, emoji \U0001f3cb, quote " and backslash \\', "nested": [{"a": None}]}
    await store.append(stream, [new_event(data=data)], StreamState.NO_STREAM)
    [recorded] = await store.read_stream(stream)
    assert recorded.data == data


# --- expected versions ----------------------------------------------------------------------------


async def test_no_stream_appends_to_a_new_stream(store: EventStore) -> None:
    stream = fresh_stream()
    result = await store.append(stream, new_events(3), StreamState.NO_STREAM)
    assert result.stream_version == 3
    assert await versions(store, stream) == [1, 2, 3]


async def test_no_stream_on_an_existing_stream_conflicts(store: EventStore) -> None:
    stream = fresh_stream()
    await store.append(stream, new_events(2), StreamState.NO_STREAM)
    with pytest.raises(WrongExpectedVersion) as conflict:
        await store.append(stream, new_events(1), StreamState.NO_STREAM)
    assert (conflict.value.stream, conflict.value.expected, conflict.value.actual) == (
        stream,
        StreamState.NO_STREAM,
        2,
    )
    assert conflict.value.code == "CONFLICT"
    assert await versions(store, stream) == [1, 2]


async def test_exact_version_appends_after_that_version(store: EventStore) -> None:
    stream = fresh_stream()
    first = await store.append(stream, new_events(1), 0)
    second = await store.append(stream, new_events(2), 1)
    assert (first.stream_version, second.stream_version) == (1, 3)
    assert second.position > first.position
    assert await versions(store, stream) == [1, 2, 3]


@pytest.mark.parametrize("stale_or_ahead", [0, 1, 3, 7])
async def test_wrong_exact_version_conflicts_and_reports_the_actual_version(
    store: EventStore, stale_or_ahead: int
) -> None:
    stream = fresh_stream()
    await store.append(stream, new_events(2), StreamState.NO_STREAM)
    with pytest.raises(WrongExpectedVersion) as conflict:
        await store.append(stream, new_events(1), stale_or_ahead)
    assert (conflict.value.expected, conflict.value.actual) == (stale_or_ahead, 2)
    assert await versions(store, stream) == [1, 2]


async def test_exact_version_on_a_missing_stream_conflicts_with_actual_zero(store: EventStore) -> None:
    stream = fresh_stream()
    with pytest.raises(WrongExpectedVersion) as conflict:
        await store.append(stream, new_events(1), 3)
    assert conflict.value.actual == 0
    assert await store.read_stream(stream) == []


async def test_any_appends_whatever_the_version(store: EventStore) -> None:
    stream = fresh_stream()
    assert (await store.append(stream, new_events(1), StreamState.ANY)).stream_version == 1
    assert (await store.append(stream, new_events(2), StreamState.ANY)).stream_version == 3
    assert await versions(store, stream) == [1, 2, 3]


@pytest.mark.parametrize("bad_expected", [-1, -5])
async def test_negative_expected_version_never_matches(store: EventStore, bad_expected: int) -> None:
    empty, filled = fresh_stream(), fresh_stream()
    await store.append(filled, new_events(1), StreamState.NO_STREAM)
    for stream, actual in ((empty, 0), (filled, 1)):
        with pytest.raises(WrongExpectedVersion) as conflict:
            await store.append(stream, new_events(1), bad_expected)
        assert conflict.value.actual == actual
    assert await versions(store, empty) == []
    assert await versions(store, filled) == [1]


async def test_empty_append_only_checks_the_expected_version(store: EventStore) -> None:
    stream = fresh_stream()
    assert (await store.append(stream, [], StreamState.NO_STREAM)).stream_version == 0
    written = await store.append(stream, new_events(2), StreamState.NO_STREAM)

    assert await store.append(stream, [], 2) == written
    assert await store.append(stream, [], StreamState.ANY) == written
    with pytest.raises(WrongExpectedVersion) as conflict:
        await store.append(stream, [], 1)
    assert conflict.value.actual == 2
    assert await versions(store, stream) == [1, 2]


# --- idempotent retries ---------------------------------------------------------------------------


@pytest.mark.parametrize("retry_expected", [StreamState.NO_STREAM, 0, StreamState.ANY])
async def test_retrying_the_first_append_returns_the_original_result(
    store: EventStore, retry_expected: StreamState | int
) -> None:
    stream = fresh_stream()
    events = new_events(2)
    original = await store.append(stream, events, StreamState.NO_STREAM)
    position = await store.current_position()

    assert await store.append(stream, events, retry_expected) == original
    assert await versions(store, stream) == [1, 2]
    assert await store.current_position() == position


@pytest.mark.parametrize("retry_expected", [1, StreamState.ANY])
async def test_retrying_a_later_append_returns_the_original_result(
    store: EventStore, retry_expected: StreamState | int
) -> None:
    stream = fresh_stream()
    await store.append(stream, new_events(1), StreamState.NO_STREAM)
    events = new_events(2)
    original = await store.append(stream, events, 1)
    await store.append(stream, new_events(1), 3)

    assert await store.append(stream, events, retry_expected) == original
    assert await versions(store, stream) == [1, 2, 3, 4]


async def test_retry_with_an_expected_version_not_before_those_events_conflicts(store: EventStore) -> None:
    stream = fresh_stream()
    await store.append(stream, new_events(1), StreamState.NO_STREAM)
    events = new_events(2)
    await store.append(stream, events, 1)
    for wrong in (StreamState.NO_STREAM, 0, 2, 3):
        with pytest.raises(WrongExpectedVersion) as conflict:
            await store.append(stream, events, wrong)
        assert conflict.value.actual == 3
    assert await versions(store, stream) == [1, 2, 3]


async def test_partially_overlapping_retry_conflicts_and_writes_nothing(store: EventStore) -> None:
    stream = fresh_stream()
    events = new_events(2)
    await store.append(stream, events, StreamState.NO_STREAM)
    with pytest.raises(WrongExpectedVersion):
        await store.append(stream, [events[1], new_event()], 1)
    with pytest.raises(WrongExpectedVersion):
        await store.append(stream, [events[0], new_event()], StreamState.ANY)
    assert await versions(store, stream) == [1, 2]


async def test_an_event_id_from_another_stream_is_rejected(store: EventStore) -> None:
    first, second = fresh_stream(), fresh_stream()
    events = new_events(2)
    await store.append(first, events, StreamState.NO_STREAM)
    with pytest.raises(DuplicateEventId) as duplicate:
        await store.append(second, events, StreamState.ANY)
    assert duplicate.value.code == "DUPLICATE_EVENT_ID"
    assert await store.read_stream(second) == []


# --- stream names ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "$system-stream", "nul\x00byte", "x" * 201])
async def test_invalid_stream_names_are_rejected(store: EventStore, name: str) -> None:
    position = await store.current_position()
    with pytest.raises(InvalidStreamName) as invalid:
        await store.append(name, new_events(1), StreamState.ANY)
    assert invalid.value.code == "INVALID_STREAM_NAME"
    assert await store.current_position() == position


async def test_longest_allowed_stream_name_is_accepted(store: EventStore) -> None:
    stream = fresh_stream()
    stream += "x" * (200 - len(stream))
    await store.append(stream, new_events(1), StreamState.NO_STREAM)
    assert await versions(store, stream) == [1]


# --- read_stream ----------------------------------------------------------------------------------


async def test_read_stream_ranges_directions_and_limits(store: EventStore) -> None:
    stream = fresh_stream()
    await store.append(stream, new_events(5), StreamState.NO_STREAM)

    async def read(
        from_version: int = 1,
        to_version: int | None = None,
        backwards: bool = False,
        limit: int | None = None,
    ) -> list[int]:
        events = await store.read_stream(
            stream, from_version=from_version, to_version=to_version, backwards=backwards, limit=limit
        )
        return [e.stream_version for e in events]

    assert await read() == [1, 2, 3, 4, 5]
    assert await read(from_version=2, to_version=4) == [2, 3, 4]
    assert await read(from_version=4) == [4, 5]
    assert await read(to_version=2) == [1, 2]
    assert await read(limit=2) == [1, 2]
    assert await read(from_version=2, limit=2) == [2, 3]
    assert await read(backwards=True) == [5, 4, 3, 2, 1]
    assert await read(backwards=True, limit=2) == [5, 4]
    assert await read(backwards=True, to_version=3) == [3, 2, 1]
    assert await read(backwards=True, from_version=2, to_version=4, limit=2) == [4, 3]
    assert await read(from_version=6) == []
    assert await read(from_version=4, to_version=2) == []
    assert await read(limit=0) == []


async def test_reading_an_unknown_stream_returns_nothing(store: EventStore) -> None:
    assert await store.read_stream(fresh_stream()) == []
    assert await store.read_stream(fresh_stream(), backwards=True) == []


# --- read_all and current_position ----------------------------------------------------------------


async def test_read_all_returns_events_after_a_position_in_commit_order(store: EventStore) -> None:
    left, right = fresh_stream("left"), fresh_stream("right")
    start = await store.current_position()
    batches = [(left, new_events(2)), (right, new_events(1)), (left, new_events(1)), (right, new_events(2))]
    for stream, events in batches:
        await store.append(stream, events, StreamState.ANY)
    sent_order = [event.event_id for _, events in batches for event in events]

    everything = [e for e in await store.read_all(after=start, limit=100) if e.stream in (left, right)]
    assert [e.event_id for e in everything] == sent_order
    positions = [e.position for e in everything]
    assert positions == sorted(set(positions))
    assert positions[0] > start

    third = everything[2].position
    later = [e for e in await store.read_all(after=third, limit=100) if e.stream in (left, right)]
    assert [e.event_id for e in later] == sent_order[3:]


async def test_read_all_honours_the_limit(store: EventStore) -> None:
    start = await store.current_position()
    await store.append(fresh_stream(), new_events(4), StreamState.NO_STREAM)

    page = await store.read_all(after=start, limit=3)
    assert len(page) == 3
    assert all(e.position > start for e in page)
    assert [e.position for e in page] == sorted(e.position for e in page)
    assert await store.read_all(after=start, limit=0) == []


async def test_current_position_is_the_position_of_the_last_event(store: EventStore) -> None:
    before = await store.current_position()
    result = await store.append(fresh_stream(), new_events(3), StreamState.NO_STREAM)
    assert result.position > before
    assert await store.current_position() == result.position
    assert await store.read_all(after=result.position, limit=10) == []


# --- subscribe_all --------------------------------------------------------------------------------


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
