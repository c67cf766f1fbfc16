"""`StoredEvents`: the import's comparisons read each stream a window ahead, hand each event out once, and
hold no more than about their capacity."""

from __future__ import annotations

from application.eventstore import StreamState
from application.replay.stored_events import StoredEvents
from tests.adapters.eventstore import new_events
from tests.application.snapshots.snapshot_support import ReadRecordingStore


async def store_with(streams: dict[str, int]) -> ReadRecordingStore:
    store = ReadRecordingStore()
    for stream, count in streams.items():
        await store.append(stream, new_events(count), StreamState.NO_STREAM)
    store.reads.clear()
    return store


async def test_a_streams_next_events_come_from_one_read_ahead() -> None:
    store = await store_with({"a": 10})
    stored = StoredEvents(store, read_ahead=6)

    first = await stored.at("a", 1, 2)
    second = await stored.at("a", 3, 6)
    third = await stored.at("a", 7, 9)

    assert (sorted(first), sorted(second), sorted(third)) == ([1, 2], [3, 4, 5, 6], [7, 8, 9])
    assert [event.event_id for event in (*first.values(), *second.values(), *third.values())] == [
        event.event_id for event in (await store.read_stream("a"))[:9]
    ]
    assert store.reads[:2] == [(1, 6), (7, 12)]
    assert len(store.reads) == 3  # the last one is the test's own


async def test_versions_past_the_stream_are_simply_absent() -> None:
    store = await store_with({"a": 3})
    assert sorted(await StoredEvents(store).at("a", 2, 5)) == [2, 3]
    assert await StoredEvents(store).at("missing", 1, 1) == {}


async def test_windows_read_ahead_are_let_go_past_the_capacity_and_read_again_when_needed() -> None:
    store = await store_with({"a": 10, "b": 10, "c": 10})
    stored = StoredEvents(store, read_ahead=5, capacity=6)

    await stored.at("a", 1, 1)  # holds a@2..5
    await stored.at("b", 1, 1)  # holds b@2..5 as well: 8, past the capacity
    await stored.at("c", 1, 1)  # lets a and b go before reading c
    assert sorted(await stored.at("a", 2, 3)) == [2, 3]

    assert store.reads == [(1, 5), (1, 5), (1, 5), (2, 6)]
