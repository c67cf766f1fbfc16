"""The EventStore contract for reads, run against every adapter (see `store` in conftest.py): appended events
read back unchanged, by stream and from the global log, and `current_position()` is the last event's.

The log may be shared and non-empty (KurrentDB cannot be truncated), so each test writes to its own streams
and measures global positions relative to `current_position()` taken when it starts.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from application.eventstore import AppendResult, EventStore, StreamState
from tests.adapters.eventstore import command_metadata, fresh_stream, new_event, new_events

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
