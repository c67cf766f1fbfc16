"""The EventStore contract for `append_many`, run against every adapter (see `store` in conftest.py): the
same as `append` for each in order, stopping at the first that fails, with the ones before it written."""

from __future__ import annotations

import pytest

from application.eventstore import (
    AppendResult,
    DuplicateEventId,
    EventStore,
    InvalidStreamName,
    StreamAppend,
    StreamState,
    WrongExpectedVersion,
)
from tests.adapters.eventstore import fresh_stream, new_event, new_events


async def ids_in(store: EventStore, stream: str) -> list[object]:
    return [event.event_id for event in await store.read_stream(stream)]


async def test_appends_to_several_streams_are_written_in_order_with_each_result(store: EventStore) -> None:
    first, second = fresh_stream(), fresh_stream()
    batches = [
        StreamAppend(first, new_events(2), StreamState.NO_STREAM),
        StreamAppend(second, new_events(1), 0),
        StreamAppend(first, new_events(3), 2),
    ]

    results = await store.append_many(batches)

    assert [result.stream_version for result in results] == [2, 1, 5]
    assert results[0].position < results[1].position < results[2].position
    assert await ids_in(store, first) == [e.event_id for e in [*batches[0].events, *batches[2].events]]
    assert await ids_in(store, second) == [e.event_id for e in batches[1].events]
    recorded = {
        e.event_id: e.position for e in [*await store.read_stream(first), *await store.read_stream(second)]
    }
    in_log_order = sorted(recorded, key=recorded.__getitem__)
    assert in_log_order == [e.event_id for batch in batches for e in batch.events]
    assert results[2] == AppendResult(5, recorded[batches[2].events[-1].event_id])


async def test_nothing_to_append_returns_no_results(store: EventStore) -> None:
    assert await store.append_many([]) == []


async def test_a_conflict_stops_there_with_the_appends_before_it_written(store: EventStore) -> None:
    written, conflicting, never = fresh_stream(), fresh_stream(), fresh_stream()
    await store.append(conflicting, new_events(1), StreamState.NO_STREAM)
    before = StreamAppend(written, new_events(2), StreamState.NO_STREAM)

    with pytest.raises(WrongExpectedVersion) as conflict:
        await store.append_many(
            [
                before,
                StreamAppend(conflicting, new_events(1), StreamState.NO_STREAM),
                StreamAppend(never, new_events(1), StreamState.NO_STREAM),
            ]
        )

    assert (conflict.value.stream, conflict.value.actual) == (conflicting, 1)
    assert await ids_in(store, written) == [event.event_id for event in before.events]
    assert len(await store.read_stream(conflicting)) == 1
    assert await store.read_stream(never) == []


async def test_an_id_of_another_stream_or_a_bad_name_stops_there_too(store: EventStore) -> None:
    taken = new_event()
    await store.append(fresh_stream(), [taken], StreamState.NO_STREAM)
    written, never = fresh_stream(), fresh_stream()

    with pytest.raises(DuplicateEventId):
        await store.append_many(
            [
                StreamAppend(written, new_events(1), StreamState.NO_STREAM),
                StreamAppend(fresh_stream(), [taken], StreamState.NO_STREAM),
                StreamAppend(never, new_events(1), StreamState.NO_STREAM),
            ]
        )
    with pytest.raises(InvalidStreamName):
        await store.append_many(
            [StreamAppend(written, new_events(1), 1), StreamAppend("$bad", new_events(1), StreamState.ANY)]
        )

    assert len(await store.read_stream(written)) == 2
    assert await store.read_stream(never) == []


async def test_a_retried_batch_writes_nothing_and_returns_the_first_results(store: EventStore) -> None:
    first, second = fresh_stream(), fresh_stream()
    batches = [
        StreamAppend(first, new_events(2), StreamState.NO_STREAM),
        StreamAppend(second, new_events(2), StreamState.NO_STREAM),
    ]
    results = await store.append_many(batches)
    position = await store.current_position()

    assert await store.append_many(batches) == results
    assert await store.current_position() == position
