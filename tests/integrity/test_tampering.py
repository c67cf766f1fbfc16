"""Tampering with the PostgreSQL log behind the store's back is found, at the first bad version: an edited
event, a deleted one, two swapped, a truncated tail after a seal. Streams from before the chain are
reported as unchained, never broken; untouched streams next to tampered ones stay ok."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from adapters.postgres.seals import PostgresSeals
from adapters.postgres.store import PostgresEventStore
from application.handler import CommandHandler
from application.integrity.audit import IntegrityAudit, IntegrityReport
from application.integrity.seals import seal_heads
from application.integrity.walk import Problem, Status, StreamReport
from domain.plans.decider import WORKOUT_PLANS
from tests.domain.plans import add_exercise
from tests.integrity.chain_support import execute, metadata, position_of, write_legacy_plan, write_plan

SMALL_PAGES = 7
"""Pages smaller than the streams, so that the walks cross page boundaries."""


def report_of(report: IntegrityReport, stream: str) -> StreamReport:
    [found] = [item for item in report.streams if item.stream == stream]
    return found


async def both_ways(store: PostgresEventStore, seals: PostgresSeals, stream: str) -> StreamReport:
    """The stream's report from a walk of the whole log, after checking the stream's own walk agrees."""
    audit = IntegrityAudit(store, seals, page_size=SMALL_PAGES)
    in_log = report_of(await audit.log(), stream)
    alone = await audit.stream(stream)
    assert alone.streams == (in_log,)
    return in_log


async def test_a_chain_written_by_the_command_path_verifies(pg_store, pg_seals):
    stream = await write_plan(pg_store, 12)

    report = await both_ways(pg_store, pg_seals, stream)

    assert report == StreamReport(stream, 12, 12, 0, 1, None, None)
    assert all(event.metadata.chain_hash for event in await pg_store.read_stream(stream))


async def test_an_edited_event_is_found_at_its_version(pg_store, pg_seals, integrity_url):
    stream, neighbour = await write_plan(pg_store, 10), await write_plan(pg_store, 10)
    await execute(
        integrity_url,
        (
            "UPDATE eventstore.events SET data = %s::json WHERE stream = %s AND stream_version = 6",
            ('{"plan_id": "edited"}', stream),
        ),
    )

    report = await both_ways(pg_store, pg_seals, stream)

    assert report.status is Status.BROKEN
    assert report.first_break is not None
    assert report.first_break.problem is Problem.DATA_EDITED
    assert report.first_break.version == 6
    assert report.first_break.position == await position_of(integrity_url, stream, 6)
    assert (await both_ways(pg_store, pg_seals, neighbour)).status is Status.OK


async def test_a_deleted_event_is_found_as_a_gap_at_its_version(pg_store, pg_seals, integrity_url):
    stream = await write_plan(pg_store, 9)
    await execute(
        integrity_url, ("DELETE FROM eventstore.events WHERE stream = %s AND stream_version = 4", (stream,))
    )

    report = await both_ways(pg_store, pg_seals, stream)

    assert report.first_break is not None
    assert (report.first_break.problem, report.first_break.version) == (Problem.EVENT_DELETED, 4)
    assert report.first_break.position is None
    assert (report.events, report.version) == (8, 9)


async def test_two_reordered_events_are_found_at_the_first_of_them(pg_store, pg_seals, integrity_url):
    stream = await write_plan(pg_store, 8)
    moved = await position_of(integrity_url, stream, 6)
    swap = "UPDATE eventstore.events SET stream_version = %s WHERE stream = %s AND stream_version = %s"
    await execute(integrity_url, (swap, (-1, stream, 5)), (swap, (5, stream, 6)), (swap, (6, stream, -1)))

    report = await both_ways(pg_store, pg_seals, stream)

    assert report.first_break is not None
    assert (report.first_break.problem, report.first_break.version) == (Problem.REORDERED, 5)
    assert report.first_break.position == moved


async def test_a_truncated_tail_is_found_against_the_seal(pg_store, pg_seals, integrity_url):
    stream = await write_plan(pg_store, 7)
    sealed = await seal_heads(pg_store, pg_seals, datetime.now(UTC))
    assert sealed.added >= 1
    assert (await both_ways(pg_store, pg_seals, stream)).status is Status.OK

    await execute(
        integrity_url, ("DELETE FROM eventstore.events WHERE stream = %s AND stream_version > 4", (stream,))
    )
    report = await both_ways(pg_store, pg_seals, stream)

    assert report.first_break is not None
    assert (report.first_break.problem, report.first_break.version) == (Problem.TRUNCATED, 5)
    assert (report.version, report.sealed_version) == (4, 7)


async def test_a_stream_deleted_whole_after_a_seal_is_truncated_at_version_one(
    pg_store, pg_seals, integrity_url
):
    stream = await write_plan(pg_store, 3)
    await seal_heads(pg_store, pg_seals, datetime.now(UTC))
    await execute(integrity_url, ("DELETE FROM eventstore.events WHERE stream = %s", (stream,)))

    report = await both_ways(pg_store, pg_seals, stream)

    assert report.first_break is not None
    assert (report.first_break.problem, report.first_break.version, report.events) == (
        Problem.TRUNCATED,
        1,
        0,
    )


async def test_events_from_before_the_chain_are_unchained_and_the_chain_starts_after_them(pg_store, pg_seals):
    plan_id, stream = await write_legacy_plan(pg_store, 4)
    handler = CommandHandler(pg_store, WORKOUT_PLANS)
    for name in ("New_1", "New_2"):
        await handler.handle(replace(add_exercise(name), plan_id=plan_id), metadata())

    report = await both_ways(pg_store, pg_seals, stream)

    assert report == StreamReport(stream, 6, 6, 4, 5, None, None)
    assert report.status is Status.UNCHAINED


async def test_a_hash_removed_after_the_chain_started_is_found(pg_store, pg_seals, integrity_url):
    stream = await write_plan(pg_store, 5)
    await execute(
        integrity_url,
        (
            "UPDATE eventstore.events SET chain_hash = NULL WHERE stream = %s AND stream_version = 3",
            (stream,),
        ),
    )

    report = await both_ways(pg_store, pg_seals, stream)

    assert report.first_break is not None
    assert (report.first_break.problem, report.first_break.version) == (Problem.HASH_MISSING, 3)
