"""Backfilling snapshots from the log gives the very snapshots the command path saves as it goes."""

from __future__ import annotations

from uuid import UUID, uuid5

from hypothesis import HealthCheck, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from adapters.memory.snapshots import InMemorySnapshots
from adapters.memory.store import InMemoryEventStore
from application.handler import CommandHandler, CommandMetadata
from application.snapshot_backfill import backfill_snapshots
from domain.errors import DomainError
from domain.plans import Plan, fold
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.streams import plan_stream
from domain.users.decider import USERS
from tests.domain.plans import (
    ARCHIVE_AT,
    PLAN_ID,
    STEPS,
    add_exercise,
    create_plan,
    decide_or_error,
    draw_command,
)
from tests.domain.users import register_user
from tests.privacy_support import memory_vault

NAMESPACE = UUID("5a0c9d1e-2b3f-4c6d-8e7f-9a0b1c2d3e4f")
STREAM = plan_stream(PLAN_ID)


def meta(name: str) -> CommandMetadata:
    return CommandMetadata(command_id=uuid5(NAMESPACE, name), correlation_id=uuid5(NAMESPACE, f"{name}-c"))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_all(st.data())
async def test_a_backfill_saves_what_the_command_path_saved(data):
    every = data.draw(st.integers(1, 6), label="snapshot every")
    remembered = data.draw(st.integers(0, 4), label="remembered commands")
    store, as_it_went, backfilled = InMemoryEventStore(), InMemorySnapshots(), InMemorySnapshots()
    handler = CommandHandler(
        store, WORKOUT_PLANS, snapshots=as_it_went, snapshot_every=every, remembered_commands=remembered
    )
    state: Plan | None = None
    archive_at = data.draw(ARCHIVE_AT, label="archive_at")
    for step in range(data.draw(STEPS, label="steps")):
        command = draw_command(data, state, step, archive_at)
        expected = decide_or_error(command, state)
        if isinstance(expected, DomainError):
            continue
        await handler.handle(command, meta(f"step-{step}"))
        state = fold(expected, state)

    saved = await backfill_snapshots(
        store,
        backfilled,
        WORKOUT_PLANS,
        stream_prefix="workout-",
        every=every,
        remembered_commands=remembered,
        page_size=7,
    )

    assert await backfilled.load(STREAM) == await as_it_went.load(STREAM)
    assert saved == (0 if await as_it_went.load(STREAM) is None else 1)


async def test_only_streams_with_the_prefix_and_a_crossing_get_a_snapshot():
    store, snapshots = InMemoryEventStore(), InMemorySnapshots()
    plans = CommandHandler(store, WORKOUT_PLANS)
    await plans.handle(create_plan(), meta("create"))
    await plans.handle(add_exercise("A"), meta("add"))
    await CommandHandler(store, USERS, vault=memory_vault()).handle(register_user(), meta("register"))

    assert await backfill_snapshots(store, snapshots, WORKOUT_PLANS, stream_prefix="workout-", every=3) == 0
    assert await backfill_snapshots(store, snapshots, WORKOUT_PLANS, stream_prefix="workout-", every=2) == 1
    assert await backfill_snapshots(store, snapshots, USERS, stream_prefix="user-", every=1) == 0
    saved = await snapshots.load(STREAM)
    assert saved is not None
    assert saved.stream_version == 2
