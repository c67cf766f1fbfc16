"""The EventStore contract for appends, run against every adapter (see `store` in conftest.py): expected
versions are enforced, retries of the same events are idempotent and bad stream names are refused.

The log may be shared and non-empty (KurrentDB cannot be truncated), so each test writes to its own streams.
"""

from __future__ import annotations

import pytest

from application.eventstore import (
    DuplicateEventId,
    EventStore,
    InvalidStreamName,
    StreamState,
    WrongExpectedVersion,
)
from tests.adapters.eventstore import fresh_stream, new_event, new_events


async def versions(store: EventStore, stream: str) -> list[int]:
    return [event.stream_version for event in await store.read_stream(stream)]


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
