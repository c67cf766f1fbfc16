"""PostgreSQL under concurrent writers: each stream version is won exactly once, and a live subscriber sees
every committed event exactly once, in dense position order."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from uuid import UUID

from adapters.postgres.store import PostgresEventStore
from application.eventstore import AppendResult, RecordedEvent, WrongExpectedVersion
from tests.adapters.eventstore import fresh_stream, new_events
from tests.adapters.eventstore.postgres_followers import WRITERS, Follower

APPENDS_PER_WRITER = 500


@dataclass
class WriterLog:
    wins: list[tuple[str, int, list[UUID], AppendResult]] = field(default_factory=list)
    conflicts: int = 0


async def write(store: PostgresEventStore, writer: int, streams: list[str]) -> WriterLog:
    """Append with the exact version this writer last saw; a conflict teaches it the actual one."""
    log = WriterLog()
    known = dict.fromkeys(streams, 0)
    for attempt in range(APPENDS_PER_WRITER):
        stream = streams[(writer + attempt) % len(streams)]
        events = new_events(1 + (writer + attempt) % 3)
        try:
            result = await store.append(stream, events, known[stream])
        except WrongExpectedVersion as conflict:
            log.conflicts += 1
            known[stream] = conflict.actual
        else:
            log.wins.append((stream, known[stream], [e.event_id for e in events], result))
            known[stream] = result.stream_version
    return log


async def run_writers_with_a_follower(
    store: PostgresEventStore, streams_of: list[list[str]]
) -> tuple[list[WriterLog], list[RecordedEvent], int]:
    start = await store.current_position()
    follower = Follower(store, after=start)
    logs = await asyncio.gather(*(write(store, writer, streams) for writer, streams in enumerate(streams_of)))
    seen = await follower.until(await store.current_position())
    return list(logs), seen, start


def assert_seen_exactly_once_in_dense_order(
    seen: list[RecordedEvent], logs: list[WriterLog], start: int
) -> None:
    written = [event_id for log in logs for _, _, ids, _ in log.wins for event_id in ids]
    assert [e.position for e in seen] == list(range(start + 1, start + len(written) + 1))
    assert sorted(e.event_id for e in seen) == sorted(written)


async def test_concurrent_writers_on_shared_streams_win_each_version_once(
    pg_store: PostgresEventStore,
) -> None:
    streams = [fresh_stream("shared") for _ in range(3)]
    logs, seen, start = await run_writers_with_a_follower(pg_store, [streams] * WRITERS)

    wins = [win for log in logs for win in log.wins]
    assert len(wins) + sum(log.conflicts for log in logs) == WRITERS * APPENDS_PER_WRITER
    assert sum(log.conflicts for log in logs) > 0
    for stream in streams:
        stream_wins = sorted((expected, ids, result) for s, expected, ids, result in wins if s == stream)
        expected_versions = [expected for expected, _, _ in stream_wins]
        assert len(expected_versions) == len(set(expected_versions)), "two writers won the same version"
        chain = [0] + [result.stream_version for _, _, result in stream_wins]
        assert expected_versions == chain[:-1], "each win must start where the previous one ended"
        stored = await pg_store.read_stream(stream)
        assert [e.stream_version for e in stored] == list(range(1, chain[-1] + 1))
        assert [e.event_id for e in stored] == [event_id for _, ids, _ in stream_wins for event_id in ids]
    assert_seen_exactly_once_in_dense_order(seen, logs, start)


async def test_concurrent_writers_on_separate_streams_never_conflict(pg_store: PostgresEventStore) -> None:
    streams_of = [[fresh_stream(f"writer{writer}")] for writer in range(WRITERS)]
    logs, seen, start = await run_writers_with_a_follower(pg_store, streams_of)

    assert [log.conflicts for log in logs] == [0] * WRITERS
    for [stream], log in zip(streams_of, logs, strict=True):
        stored = await pg_store.read_stream(stream)
        assert [e.event_id for e in stored] == [event_id for _, _, ids, _ in log.wins for event_id in ids]
    assert_seen_exactly_once_in_dense_order(seen, logs, start)
