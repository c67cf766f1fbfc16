"""The command path with snapshots: a command that crosses the interval saves one, and a cold command
reads the snapshot and the events after it; no interval, or no snapshot codec, means no snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import uuid5

from application.eventstore import RecordedEvent
from application.handler import CommandHandler
from application.snapshots import RecentCommand
from domain.plans.snapshot import SCHEMA_VERSION, encode_plan
from domain.users.decider import USERS
from tests.application.snapshots.snapshot_support import (
    NAMESPACE,
    STREAM,
    full_fold,
    given_three_commands,
    handler_on,
    meta,
)
from tests.domain.plans import add_exercise, create_plan, rename
from tests.domain.users import register_user
from tests.privacy_support import memory_vault


async def test_a_command_that_crosses_the_interval_saves_a_snapshot(store, snapshots):
    handler = handler_on(store, snapshots, every=2)
    await handler.handle(create_plan(), meta("create"))
    assert await snapshots.load(STREAM) is None

    await handler.handle(add_exercise("A"), meta("add-a"))

    saved = await snapshots.load(STREAM)
    events = await store.read_stream(STREAM)
    assert saved is not None
    assert (saved.stream_version, saved.position, saved.last_event_id) == (2, 2, events[-1].event_id)
    assert (saved.state_type, saved.schema_version) == ("WorkoutPlan", SCHEMA_VERSION)
    assert saved.state == encode_plan(await full_fold(store))  # type: ignore[arg-type]
    assert saved.recent_commands == (
        RecentCommand(uuid5(NAMESPACE, "create"), 1, 1),
        RecentCommand(uuid5(NAMESPACE, "add-a"), 2, 2),
    )


async def test_a_cold_command_reads_the_snapshot_and_the_events_after_it(store, snapshots):
    await given_three_commands(handler_on(store, snapshots))
    store.reads.clear()

    result = await handler_on(store, snapshots).handle(rename("Push day"), meta("rename"))

    assert store.reads == [(2, None)]
    assert result.stream_version == 4
    plan = await full_fold(store)
    assert plan is not None
    assert (plan.name, plan.exercise_ids) == ("Push day", ("A", "B"))


async def test_snapshot_every_zero_turns_snapshots_off(store, snapshots):
    await given_three_commands(handler_on(store, snapshots, every=0))

    assert await snapshots.load(STREAM) is None


async def test_an_aggregate_without_a_snapshot_codec_folds_its_stream(store, snapshots):
    users = CommandHandler(store, USERS, snapshots=snapshots, snapshot_every=1, vault=memory_vault())

    result = await users.handle(register_user(), meta("register"))

    assert result.stream_version == 1
    assert await snapshots.load(result_stream(await store.read_all())) is None


def result_stream(events: Sequence[RecordedEvent]) -> str:
    return events[-1].stream
