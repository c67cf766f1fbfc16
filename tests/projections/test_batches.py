"""`apply_batch` for a batch with nothing for the projection: one statement moves the checkpoint, which
is announced like any other; applying it again changes nothing; and what another writer left behind is
still handed over. Real PostgreSQL."""

from __future__ import annotations

import uuid
from dataclasses import replace

import psycopg

from adapters.postgres.store import PostgresEventStore
from application.cache import CacheKey
from application.handler import CommandHandler, CommandMetadata
from domain.plans.decider import WORKOUT_PLANS
from projections.batch import apply_batch
from projections.checkpoints import CHANNEL
from projections.registry import projection_named
from tests.domain.plans import create_plan, rename
from tests.projections.projector_support import checkpoint

USERS = projection_named("users")
WORKOUT = projection_named("workout_plans")


def meta() -> CommandMetadata:
    return CommandMetadata(uuid.uuid4(), uuid.uuid4())


async def test_a_batch_of_other_streams_moves_only_the_checkpoint_and_announces_it(
    projection_url: str, projection_store: PostgresEventStore
) -> None:
    handler = CommandHandler(projection_store, WORKOUT_PLANS)
    plan_id = uuid.uuid4()
    await handler.handle(create_plan(plan_id=plan_id), meta())
    renamed = await handler.handle(replace(rename("Pull day"), plan_id=plan_id), meta())
    events = await projection_store.read_all()
    assert not any(USERS.handles(event) for event in events)

    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as conn:
        await conn.execute(f"LISTEN {CHANNEL}")
        first = await apply_batch(conn, USERS, events, after=0)
        again = await apply_batch(conn, USERS, events, after=first.position)
        heard = [notify.payload async for notify in conn.notifies(timeout=1.0, stop_after=1)]
        cursor = await conn.execute("SELECT count(*) FROM auth.users")
        users = await cursor.fetchone()

    assert (first.applied, first.position, first.invalidations) == (2, renamed.position, [])
    assert (again.applied, again.position, again.invalidations) == (0, renamed.position, [])
    assert heard == [f"users:{renamed.position}"]
    assert users == (0,)
    assert (await checkpoint(projection_url, "users"))[0] == renamed.position


async def test_the_one_statement_path_still_hands_over_what_another_writer_left(
    projection_url: str, projection_store: PostgresEventStore
) -> None:
    """A stand-in for a rebuild's swap: a batch of the workout projection moved its checkpoint, leaving
    its invalidations; the runner's next batch, of other streams' events only, gets them."""
    handler = CommandHandler(projection_store, WORKOUT_PLANS)
    plan_id = uuid.uuid4()
    created = await handler.handle(create_plan(plan_id=plan_id), meta())
    (plan_event,) = await projection_store.read_all()
    foreign = replace(plan_event, position=created.position + 1, stream="claims-elsewhere")
    assert not WORKOUT.handles(foreign)

    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as conn:
        await apply_batch(conn, WORKOUT, [plan_event], after=0)
        handed = await apply_batch(conn, WORKOUT, [foreign], after=0)
        # Its checkpoint is past this batch already; it still hands them over.
        overtaken = await apply_batch(conn, WORKOUT, [replace(foreign, position=created.position)], after=0)

    assert handed.applied == 1
    assert [i.key for i in handed.invalidations][:1] == [CacheKey.plan(plan_id)]
    assert overtaken.applied == 0
    assert CacheKey.plan(plan_id) in [i.key for i in overtaken.invalidations]
