"""Every store keeps the chain hashes the appenders compute, so the command path's chains verify on each:
memory, PostgreSQL and (where FITCOACH_KURRENTDB_URL is set) KurrentDB."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime

from adapters.memory.seals import InMemorySeals
from adapters.memory.snapshots import InMemorySnapshots
from application.eventstore import EventStore, StreamState
from application.handler import CommandHandler
from application.integrity.audit import IntegrityAudit
from application.integrity.chain import chain_events
from application.integrity.seals import Seal, seal_heads
from application.integrity.walk import Status, StreamReport
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.streams import plan_stream
from tests.adapters.eventstore import fresh_stream, new_event, new_events
from tests.domain.plans import add_exercise, create_plan
from tests.integrity.chain_support import metadata, write_plan

WRITERS = 6


async def test_chain_hashes_are_kept_as_appended(store: EventStore) -> None:
    stream = fresh_stream()
    chained = chain_events(None, new_events(3))
    await store.append(stream, chained, StreamState.NO_STREAM)
    unchained = new_event()
    await store.append(stream, [unchained], 3)

    read = await store.read_stream(stream)

    assert [event.metadata for event in read] == [*(event.metadata for event in chained), unchained.metadata]
    assert read[-1].metadata.chain_hash is None
    in_log = await store.read_all(after=read[0].position - 1, limit=50)
    assert [event.metadata for event in in_log if event.stream == stream] == [
        event.metadata for event in read
    ]


async def test_the_command_path_chains_every_event_and_the_chain_verifies(store: EventStore) -> None:
    stream = await write_plan(store, 6)

    report = await IntegrityAudit(store, InMemorySeals(), page_size=4).stream(stream)

    assert report.streams == (StreamReport(stream, 6, 6, 0, 1, None, None),)


async def test_concurrent_commands_on_one_stream_never_fork_its_chain(store: EventStore) -> None:
    plan_id = uuid.uuid4()
    handler = CommandHandler(store, WORKOUT_PLANS, retries=WRITERS * 2)
    await handler.handle(replace(create_plan(), plan_id=plan_id), metadata())

    await asyncio.gather(
        *(
            handler.handle(replace(add_exercise(f"Racer_{index}"), plan_id=plan_id), metadata())
            for index in range(WRITERS)
        )
    )

    report = await IntegrityAudit(store, InMemorySeals()).stream(plan_stream(plan_id))
    assert [(item.status, item.events) for item in report.streams] == [(Status.OK, WRITERS + 1)]


async def test_commands_on_a_snapshot_link_to_its_base_event(store: EventStore) -> None:
    plan_id = uuid.uuid4()
    handler = CommandHandler(store, WORKOUT_PLANS, snapshots=InMemorySnapshots(), snapshot_every=2)
    await handler.handle(replace(create_plan(), plan_id=plan_id), metadata())
    for index in range(5):
        await handler.handle(replace(add_exercise(f"Snapshotted_{index}"), plan_id=plan_id), metadata())

    report = await IntegrityAudit(store, InMemorySeals()).stream(plan_stream(plan_id))

    assert [(item.status, item.events) for item in report.streams] == [(Status.OK, 6)]


async def test_a_seal_records_every_streams_head(store: EventStore) -> None:
    stream = await write_plan(store, 3)
    head = (await store.read_stream(stream))[-1]
    seals = InMemorySeals()
    at = datetime(2025, 6, 1, tzinfo=UTC)

    report = await seal_heads(store, seals, at, page_size=50)

    assert await seals.of_stream(stream) == [Seal(stream, 3, head.metadata.chain_hash, at)]
    assert report.added == report.streams >= 1
    assert (await seal_heads(store, seals, at)).added == 0
