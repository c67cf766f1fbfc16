"""`StreamWalk`: the first broken link of one stream, fed events as a store would return them (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID

import pytest

from application.eventstore import EventMetadata, NewEvent, RecordedEvent
from application.integrity.chain import chain_events
from application.integrity.seals import Seal
from application.integrity.walk import Break, Problem, Status, StreamReport, StreamWalk

STREAM = "workout_plan-7"
AT = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
SEALED = datetime(2025, 5, 2, 9, 0, tzinfo=UTC)


def new_events(count: int, first: int = 1) -> list[NewEvent]:
    return [
        NewEvent(
            UUID(int=index),
            "ExerciseAdded",
            1,
            {"index": index},
            EventMetadata("user", UUID(int=1000 + index), UUID(int=2000)),
        )
        for index in range(first, first + count)
    ]


def recorded(events: list[NewEvent], first_version: int = 1) -> list[RecordedEvent]:
    return [
        RecordedEvent(
            e.event_id, e.type, e.schema_version, e.data, e.metadata, STREAM, version, version * 10, AT
        )
        for version, e in enumerate(events, start=first_version)
    ]


def chained_stream(count: int) -> list[RecordedEvent]:
    return recorded(chain_events(None, new_events(count)))


def walked(events: list[RecordedEvent], seals: list[Seal] | None = None) -> StreamReport:
    walk = StreamWalk(STREAM, seals or [], keep_hashes=True)
    for event in events:
        walk.feed(event)
    return walk.finish()


def first_break(events: list[RecordedEvent], seals: list[Seal] | None = None) -> Break:
    report = walked(events, seals)
    assert report.status is Status.BROKEN
    assert report.first_break is not None
    return report.first_break


def test_an_untouched_chain_is_ok() -> None:
    report = walked(chained_stream(5))

    assert report == StreamReport(STREAM, 5, 5, 0, 1, None, None)
    assert report.status is Status.OK


def test_edited_data_breaks_the_link_of_that_event_only() -> None:
    events = chained_stream(5)
    events[2] = replace(events[2], data={"index": 99})

    found = first_break(events)

    assert (found.version, found.position, found.problem) == (3, 30, Problem.DATA_EDITED)


def test_an_edited_hash_breaks_at_that_event() -> None:
    events = chained_stream(4)
    events[1] = replace(events[1], metadata=replace(events[1].metadata, chain_hash="00" * 32))

    assert (first_break(events).version, first_break(events).problem) == (2, Problem.DATA_EDITED)


def test_a_deleted_event_is_a_gap_at_its_version() -> None:
    events = chained_stream(5)
    del events[1]

    found = first_break(events)

    assert (found.version, found.position, found.problem) == (2, None, Problem.EVENT_DELETED)
    assert found.detail == "version 2 missing"


def test_deleted_first_events_are_a_gap_at_version_one() -> None:
    found = first_break(chained_stream(5)[2:])

    assert (found.version, found.problem, found.detail) == (1, Problem.EVENT_DELETED, "versions 1-2 missing")


def test_two_events_with_swapped_versions_are_reordered_at_the_first_of_them() -> None:
    events = chained_stream(5)
    third, fourth = events[2], events[3]
    events[2:4] = [
        replace(fourth, stream_version=3, position=fourth.position),
        replace(third, stream_version=4, position=third.position),
    ]

    found = first_break(events)

    assert (found.version, found.position, found.problem) == (3, 40, Problem.REORDERED)
    assert found.detail == "its hash follows the event now at version 4"


def test_swapped_events_keeping_their_positions_in_order_are_still_reordered() -> None:
    events = chained_stream(4)
    first, second = events[0], events[1]
    events[0:2] = [
        replace(second, stream_version=1, position=10),
        replace(first, stream_version=2, position=20),
    ]

    found = first_break(events)

    assert (found.version, found.problem) == (1, Problem.REORDERED)


def test_an_event_recorded_before_its_predecessor_is_reordered() -> None:
    events = chained_stream(3)
    events[2] = replace(events[2], position=5)

    found = first_break(events)

    assert (found.version, found.problem, found.detail) == (
        3,
        Problem.REORDERED,
        "recorded before the event it follows",
    )


def test_a_hash_missing_after_the_chain_started_is_found() -> None:
    events = chained_stream(4)
    events[2] = replace(events[2], metadata=replace(events[2].metadata, chain_hash=None))

    found = first_break(events)

    assert (found.version, found.problem) == (3, Problem.HASH_MISSING)


def test_events_from_before_the_chain_are_unchained_not_broken() -> None:
    legacy = recorded(new_events(3))
    later = recorded(chain_events(None, new_events(2, first=4)), first_version=4)

    report = walked([*legacy, *later])

    assert report.status is Status.UNCHAINED
    assert (report.unchained, report.chained_from, report.first_break) == (3, 4, None)
    assert walked(legacy).chained_from is None


def test_a_stream_shorter_than_its_seal_is_truncated_after_its_last_event() -> None:
    events = chained_stream(6)
    seal = Seal(STREAM, 6, events[-1].metadata.chain_hash, SEALED)

    assert walked(events, [seal]).status is Status.OK
    found = first_break(events[:4], [seal])

    assert (found.version, found.position, found.problem) == (5, None, Problem.TRUNCATED)
    assert found.detail == "ends at version 4, sealed at version 6 on 2025-05-02T09:00:00+00:00"
    assert first_break([], [seal]).version == 1


def test_a_sealed_version_holding_another_event_is_a_seal_mismatch() -> None:
    events = chained_stream(3)
    seal = Seal(STREAM, 2, "11" * 32, SEALED)

    found = first_break(events, [seal])

    assert (found.version, found.problem) == (2, Problem.SEAL_MISMATCH)


@pytest.mark.parametrize("keep_hashes", [False, True])
def test_only_the_first_break_is_kept(keep_hashes: bool) -> None:
    events = chained_stream(6)
    events[1] = replace(events[1], data={"edited": True})
    del events[4]
    walk = StreamWalk(STREAM, keep_hashes=keep_hashes)
    for event in events:
        walk.feed(event)

    report = walk.finish()

    assert report.first_break is not None
    assert (report.first_break.version, report.events, report.version) == (2, 5, 6)
