"""The command path with snapshots: a cold command reads the snapshot and the events after it, and decides
exactly as a fold of the whole stream would; bad, foreign or missing snapshots only cost a full fold."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from uuid import UUID, uuid5

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from adapters.memory_snapshots import InMemorySnapshots
from adapters.memory_store import InMemoryEventStore
from application.eventstore import RecordedEvent
from application.handler import WORKOUT_PLANS, CommandHandler, CommandMetadata, workout_plan_stream
from application.snapshots import RecentCommand, Snapshot, SnapshotsUnavailable
from application.users import USERS
from domain import Plan, decode, fold
from domain.commands import PlanCommand
from domain.errors import ConcurrencyConflict, DomainError
from domain.events import PlanEvent
from domain.snapshot import SCHEMA_VERSION, encode_plan
from tests.accounts import register_user
from tests.domain import (
    ARCHIVE_AT,
    PLAN_ID,
    STEPS,
    T0,
    add_exercise,
    create_plan,
    create_version,
    draw_command,
    rename,
    update_exercise,
)

NAMESPACE = UUID("0f7bd7a4-8d0e-4d53-a7a3-3a4c1b2f6e11")
STREAM = workout_plan_stream(PLAN_ID)
Handler = CommandHandler[PlanCommand, Plan, PlanEvent]


def meta(name: str) -> CommandMetadata:
    return CommandMetadata(command_id=uuid5(NAMESPACE, name), correlation_id=uuid5(NAMESPACE, f"{name}-c"))


class ReadRecordingStore(InMemoryEventStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads: list[tuple[int, int | None]] = []

    async def read_stream(self, stream: str, **options: Any) -> list[RecordedEvent]:
        self.reads.append((options.get("from_version", 1), options.get("to_version")))
        return await super().read_stream(stream, **options)


class BrokenSnapshots:
    def __init__(self) -> None:
        self.calls = 0

    async def load(self, stream: str) -> Snapshot | None:
        self.calls += 1
        raise SnapshotsUnavailable("down")

    async def save(self, snapshot: Snapshot) -> None:
        self.calls += 1
        raise SnapshotsUnavailable("down")

    async def close(self) -> None:
        return None


@pytest.fixture
def store() -> ReadRecordingStore:
    return ReadRecordingStore()


@pytest.fixture
def snapshots() -> InMemorySnapshots:
    return InMemorySnapshots()


def handler_on(store: InMemoryEventStore, snapshots: Any, every: int = 2, remembered: int = 64) -> Handler:
    return CommandHandler(
        store, WORKOUT_PLANS, snapshots=snapshots, snapshot_every=every, remembered_commands=remembered
    )


async def full_fold(store: InMemoryEventStore) -> Plan | None:
    return fold(decode(e.type, e.schema_version, e.data) for e in await store.read_stream(STREAM))


async def given_three_commands(handler: Handler) -> None:
    await handler.handle(create_plan(), meta("create"))
    await handler.handle(add_exercise("A"), meta("add-a"))
    await handler.handle(add_exercise("B"), meta("add-b"))


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


def unreadable(saved: Snapshot) -> dict[str, Snapshot]:
    return {
        "newer schema": replace(saved, schema_version=SCHEMA_VERSION + 1),
        "malformed state": replace(saved, state={"pool": "nonsense"}),
        "other aggregate": replace(saved, state_type="User"),
        "from another log": replace(saved, last_event_id=uuid.uuid4()),
        "ahead of the log": replace(saved, stream_version=9, position=9),
    }


@pytest.mark.parametrize("kind", list(unreadable(Snapshot("", 0, 0, uuid.uuid4(), "", 0, {}, ()))))
async def test_a_snapshot_that_cannot_be_used_only_costs_a_full_fold(store, kind):
    with_snapshots = InMemorySnapshots()
    await given_three_commands(handler_on(store, with_snapshots))
    good = await with_snapshots.load(STREAM)
    assert good is not None
    bad = InMemorySnapshots()
    await bad.save(unreadable(good)[kind])
    reference = InMemoryEventStore()
    await given_three_commands(CommandHandler(reference, WORKOUT_PLANS))
    store.reads.clear()

    result = await handler_on(store, bad).handle(update_exercise("A", sets=3), meta("update"))

    assert result == await CommandHandler(reference, WORKOUT_PLANS).handle(
        update_exercise("A", sets=3), meta("update")
    )
    assert store.reads[-1] == (1, None)
    assert await full_fold(store) == await full_fold(reference)


async def test_without_reachable_snapshots_commands_fold_whole_streams(store, caplog):
    broken = BrokenSnapshots()
    handler = handler_on(store, broken, every=1)

    with caplog.at_level(logging.WARNING, logger="fitcoach.snapshots"):
        await given_three_commands(handler)

    assert broken.calls == 6
    assert len([r for r in caplog.records if "snapshots unavailable" in r.getMessage()]) == 1
    plan = await full_fold(store)
    assert plan is not None
    assert plan.exercise_ids == ("A", "B")


async def test_a_command_repeated_after_a_snapshot_returns_its_first_result(store, snapshots):
    handler = handler_on(store, snapshots, every=1)
    await handler.handle(create_plan(), meta("create"))
    first = await handler.handle(add_exercise("A"), meta("add-a"))
    await handler.handle(add_exercise("B"), meta("add-b"))
    await handler.handle(create_version(), meta("version"))
    store.reads.clear()

    again = await handler_on(store, snapshots, every=1).handle(add_exercise("A"), meta("add-a"))

    assert again == first
    assert store.reads == [(4, None), (2, 2)]
    assert await store.current_position() == 4


async def test_a_command_repeated_beyond_the_remembered_ones_is_refused_not_written_twice(store, snapshots):
    handler = handler_on(store, snapshots, every=1, remembered=2)
    await handler.handle(create_plan(), meta("create"))
    await handler.handle(rename("Push day"), meta("rename"))
    for name in ("Pull day", "Leg day", "Arm day"):
        await handler.handle(rename(name), meta(name))

    with pytest.raises(ConcurrencyConflict):
        await handler.handle(rename("Push day"), meta("rename"))
    assert await store.current_position() == 5
    plan = await full_fold(store)
    assert plan is not None
    assert plan.name == "Arm day"


async def test_snapshot_every_zero_turns_snapshots_off(store, snapshots):
    await given_three_commands(handler_on(store, snapshots, every=0))

    assert await snapshots.load(STREAM) is None


async def test_an_aggregate_without_a_snapshot_codec_folds_its_stream(store, snapshots):
    users = CommandHandler(store, USERS, snapshots=snapshots, snapshot_every=1)

    result = await users.handle(register_user(), meta("register"))

    assert result.stream_version == 1
    assert await snapshots.load(result_stream(await store.read_all())) is None


def result_stream(events: Sequence[RecordedEvent]) -> str:
    return events[-1].stream


def without_times(events: list[RecordedEvent]) -> list[RecordedEvent]:
    return [replace(event, recorded_at=T0) for event in events]


async def outcome(handler: Handler, command: PlanCommand, metadata: CommandMetadata) -> object:
    try:
        return await handler.handle(command, metadata)
    except DomainError as error:
        return error.code


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_all(st.data())
async def test_snapshots_never_change_what_a_command_does(data):
    """Each command runs on a cold handler with snapshots and on one that folds whole streams: the same
    result or error, and the same log. A repeat of a recent command is answered the same, too."""
    every = data.draw(st.integers(1, 6), label="snapshot every")
    remembered = data.draw(st.integers(1, 3), label="remembered commands")
    store, snapshots, reference = InMemoryEventStore(), InMemorySnapshots(), InMemoryEventStore()
    state: Plan | None = None
    done: list[tuple[PlanCommand, CommandMetadata]] = []
    archive_at = data.draw(ARCHIVE_AT, label="archive_at")
    for step in range(data.draw(STEPS, label="steps")):
        repeat = bool(done) and data.draw(st.integers(0, 9), label="repeat") == 0
        if repeat:
            command, metadata = data.draw(st.sampled_from(done[-remembered:]), label="repeated")
        else:
            command, metadata = draw_command(data, state, step, archive_at), meta(f"step-{step}")
        with_snapshots = await outcome(handler_on(store, snapshots, every, remembered), command, metadata)
        folding = await outcome(CommandHandler(reference, WORKOUT_PLANS), command, metadata)
        assert with_snapshots == folding
        if not repeat and not isinstance(folding, str):
            done.append((command, metadata))
        state = await full_fold(reference)

    assert without_times(await store.read_all(limit=10_000)) == without_times(
        await reference.read_all(limit=10_000)
    )
    saved = await snapshots.load(STREAM)
    if saved is not None:
        head = await store.read_stream(STREAM, to_version=saved.stream_version)
        folded = fold(decode(e.type, e.schema_version, e.data) for e in head)
        assert folded is not None
        assert saved.state == encode_plan(folded)
