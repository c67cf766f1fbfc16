"""Streams written through the command path, and the same written the way code from before the chain did."""

from __future__ import annotations

import uuid
from dataclasses import replace

import psycopg

from application.eventstore import EventMetadata, EventStore, NewEvent, StreamState
from application.handler import CommandHandler, CommandMetadata
from domain.plans import encode
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.events import PlanEvent
from domain.plans.streams import plan_stream
from tests.domain.plans import add_exercise, added, create_plan, created


def metadata() -> CommandMetadata:
    return CommandMetadata(command_id=uuid.uuid4(), correlation_id=uuid.uuid4())


async def write_plan(store: EventStore, events: int, plan_id: uuid.UUID | None = None) -> str:
    """A plan stream of `events` events (created, then exercises added), through `CommandHandler`."""
    plan_id = plan_id or uuid.uuid4()
    handler = CommandHandler(store, WORKOUT_PLANS)
    await handler.handle(replace(create_plan(), plan_id=plan_id), metadata())
    for index in range(events - 1):
        await handler.handle(replace(add_exercise(f"Exercise_{index}"), plan_id=plan_id), metadata())
    return plan_stream(plan_id)


async def write_legacy_plan(store: EventStore, events: int) -> tuple[uuid.UUID, str]:
    """A plan stream appended as before the chain existed: no chain hashes."""
    plan_id = uuid.uuid4()
    envelope = EventMetadata("user", uuid.uuid4(), uuid.uuid4())
    plan_events: list[PlanEvent] = [replace(created(), plan_id=plan_id)]
    plan_events += [replace(added(f"Old_{index}"), plan_id=plan_id) for index in range(events - 1)]
    stream = plan_stream(plan_id)
    new = [NewEvent(uuid.uuid4(), *encode(event), envelope) for event in plan_events]
    await store.append(stream, new, StreamState.NO_STREAM)
    return plan_id, stream


async def execute(url: str, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Run SQL the way someone with write access to the database would, behind the store's back."""
    async with await psycopg.AsyncConnection.connect(url) as conn:
        for statement, params in statements:
            await conn.execute(statement.encode(), params)
        await conn.commit()


async def position_of(url: str, stream: str, version: int) -> int:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = await conn.execute(
            "SELECT position FROM eventstore.events WHERE stream = %s AND stream_version = %s",
            (stream, version),
        )
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])
