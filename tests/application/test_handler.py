"""The command handler: load, fold, decide, append with the expected version, on the in-memory store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from uuid import UUID, uuid5

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from adapters.memory_store import InMemoryEventStore
from application.eventstore import (
    AppendResult,
    EventMetadata,
    ExpectedVersion,
    NewEvent,
    StreamState,
)
from application.handler import (
    WORKOUT_PLANS,
    CommandHandler,
    CommandMetadata,
    CommandResult,
    workout_plan_stream,
)
from domain import Plan, decide, decode, encode, fold
from domain.commands import PlanCommand
from domain.errors import (
    ConcurrencyConflict,
    DomainError,
    DuplicateExercise,
    PlanNotFound,
    UnknownEventType,
)
from domain.events import ExerciseAdded, ExerciseUpdated, PlanEvent, WorkoutPlanRenamed
from domain.values import Actor, PlannedExercise
from tests.domain import (
    ARCHIVE_AT,
    PLAN_ID,
    STEPS,
    add_exercise,
    at,
    create_plan,
    create_version,
    decide_or_error,
    draw_command,
    exercise,
    rename,
    revert,
    update_exercise,
)

NAMESPACE = UUID("3c1d1f0a-5b8e-4f6e-9a37-2f7c4d1e8b90")
STREAM = workout_plan_stream(PLAN_ID)
WRITER = uuid5(NAMESPACE, "concurrent-writer")


def meta(name: str, **ids: UUID) -> CommandMetadata:
    return CommandMetadata(
        command_id=uuid5(NAMESPACE, name), correlation_id=uuid5(NAMESPACE, f"{name}-correlation"), **ids
    )


def new_event(event: PlanEvent, event_id: UUID) -> NewEvent:
    event_type, schema_version, data = encode(event)
    return NewEvent(event_id, event_type, schema_version, data, EventMetadata("user", WRITER, WRITER))


class InterleavingStore(InMemoryEventStore):
    """Lets another writer append to the stream right before each of the next `times` appends."""

    def __init__(self) -> None:
        super().__init__()
        self.appends = 0
        self._interleave: Callable[[int], PlanEvent] | None = None
        self._remaining = 0

    def interleave(self, times: int, concurrent: Callable[[int], PlanEvent]) -> None:
        self._interleave, self._remaining, self.appends = concurrent, times, 0

    async def append(
        self, stream: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        self.appends += 1
        if self._interleave is not None and self._remaining > 0:
            self._remaining -= 1
            concurrent = self._interleave(self._remaining)
            await super().append(
                stream, [new_event(concurrent, uuid5(WRITER, str(self.appends)))], StreamState.ANY
            )
        return await super().append(stream, events, expected_version)


@pytest.fixture
def store() -> InterleavingStore:
    return InterleavingStore()


@pytest.fixture
def handler(store: InterleavingStore) -> CommandHandler[PlanCommand, Plan, PlanEvent]:
    return CommandHandler(store, WORKOUT_PLANS)


async def stored_plan(store: InMemoryEventStore) -> Plan | None:
    return fold(decode(e.type, e.schema_version, e.data) for e in await store.read_stream(STREAM))


async def test_the_first_command_creates_the_stream(handler, store):
    result = await handler.handle(create_plan(), meta("create"))

    [recorded] = await store.read_stream(STREAM)
    assert (result.stream_version, result.position) == (1, recorded.position)
    assert result.events == tuple(decide(create_plan(), None))
    assert (recorded.type, recorded.schema_version, recorded.data) == encode(result.events[0])


async def test_each_event_carries_the_command_metadata_and_a_derived_id(handler, store):
    await handler.handle(create_plan(), meta("create"))
    await handler.handle(add_exercise("A"), meta("add"))
    await handler.handle(create_version(), meta("version"))
    causation, user_id = uuid5(NAMESPACE, "cause"), uuid5(NAMESPACE, "user")

    result = await handler.handle(
        revert(1, actor=Actor.AI_COACH), meta("revert", causation_id=causation, user_id=user_id)
    )

    recorded = await store.read_stream(STREAM, from_version=4)
    command_id = uuid5(NAMESPACE, "revert")
    assert [event.event_id for event in recorded] == [uuid5(command_id, f"{STREAM}:{i}") for i in (0, 1)]
    assert {event.metadata for event in recorded} == {
        EventMetadata("ai_coach", command_id, uuid5(NAMESPACE, "revert-correlation"), causation, user_id)
    }
    assert (result.stream_version, result.position) == (5, recorded[-1].position)


async def test_a_rejected_command_appends_nothing(handler, store):
    await handler.handle(create_plan(), meta("create"))
    await handler.handle(add_exercise("A"), meta("add"))

    with pytest.raises(DuplicateExercise):
        await handler.handle(add_exercise("A"), meta("add-again"))
    assert await store.current_position() == 2


async def test_a_command_on_a_missing_plan_is_not_found(handler, store):
    with pytest.raises(PlanNotFound):
        await handler.handle(rename("Push day"), meta("rename"))
    assert await store.current_position() == 0


async def test_a_no_op_returns_the_current_version_and_writes_nothing(handler, store):
    await handler.handle(create_plan(), meta("create"))
    added = await handler.handle(add_exercise("A"), meta("add"))

    result = await handler.handle(rename("Leg day"), meta("rename"))

    assert result == CommandResult(2, added.position, ())
    assert await store.current_position() == 2


async def test_a_retried_command_returns_its_first_result_without_deciding_again(handler, store):
    await handler.handle(create_plan(), meta("create"))
    first = await handler.handle(add_exercise("A"), meta("add"))
    await handler.handle(rename("Push day"), meta("rename"))

    retried = await handler.handle(add_exercise("A"), meta("add"))

    assert retried == first
    assert retried.events == (
        ExerciseAdded(plan_id=PLAN_ID, exercise=exercise("A"), actor=Actor.USER, at=at(60)),
    )
    assert await store.current_position() == 3


async def test_a_stale_client_version_conflicts_at_once(handler, store):
    await handler.handle(create_plan(), meta("create"))
    await handler.handle(add_exercise("A"), meta("add"))

    with pytest.raises(ConcurrencyConflict) as error:
        await handler.handle(rename("Push day"), meta("rename"), expected_version=1)
    assert (error.value.code, error.value.current_version) == ("CONFLICT", 2)
    assert await store.current_position() == 2


async def test_a_matching_client_version_is_accepted(handler):
    await handler.handle(create_plan(), meta("create"), expected_version=0)

    result = await handler.handle(rename("Push day"), meta("rename"), expected_version=1)

    assert result.stream_version == 2


def renamed_by_someone_else(remaining: int) -> PlanEvent:
    return WorkoutPlanRenamed(plan_id=PLAN_ID, name=f"Renamed {remaining}", actor=Actor.AI_COACH, at=at(30))


async def test_a_concurrent_write_is_retried_on_fresh_state(handler, store):
    await handler.handle(create_plan(), meta("create"))
    store.interleave(1, renamed_by_someone_else)

    result = await handler.handle(add_exercise("A"), meta("add"))

    assert store.appends == 2
    assert result.stream_version == 3
    plan = await stored_plan(store)
    assert plan is not None
    assert (plan.name, plan.exercise_ids) == ("Renamed 0", ("A",))


async def test_the_retry_decides_again_against_what_the_other_writer_did(handler, store):
    await handler.handle(create_plan(), meta("create"))
    store.interleave(
        1, lambda _: ExerciseAdded(plan_id=PLAN_ID, exercise=exercise("A"), actor=Actor.AI_COACH, at=at(30))
    )

    with pytest.raises(DuplicateExercise):
        await handler.handle(add_exercise("A"), meta("add"))
    assert await store.current_position() == 2


async def test_a_client_version_is_not_retried_after_a_concurrent_write(handler, store):
    await handler.handle(create_plan(), meta("create"))
    store.interleave(1, renamed_by_someone_else)

    with pytest.raises(ConcurrencyConflict) as error:
        await handler.handle(add_exercise("A"), meta("add"), expected_version=1)
    assert error.value.current_version == 2


@pytest.mark.parametrize("retries", [0, 2])
async def test_retries_are_bounded(store, retries):
    handler = CommandHandler(store, WORKOUT_PLANS, retries=retries)
    await handler.handle(create_plan(), meta("create"))
    store.interleave(retries + 1, renamed_by_someone_else)

    with pytest.raises(ConcurrencyConflict) as error:
        await handler.handle(add_exercise("A"), meta("add"))
    assert store.appends == retries + 1
    assert error.value.current_version == 1 + retries + 1


V1_EXERCISE_ADDED = {
    "plan_id": str(PLAN_ID),
    "exercise_id": "Barbell_Squat",
    "name": "Barbell Squat",
    "sets": 5,
    "reps": 8,
    "weight_kg": 80,
    "rest_seconds": 120,
    "actor": "user",
    "at": "2024-11-02T18:00:00+00:00",
}


async def test_a_stored_v1_exercise_added_is_upcast_on_read_and_left_as_stored(handler, store):
    await handler.handle(create_plan(), meta("create"))
    legacy = NewEvent(
        uuid5(NAMESPACE, "legacy"),
        "ExerciseAdded",
        1,
        dict(V1_EXERCISE_ADDED),
        EventMetadata("user", WRITER, WRITER),
    )
    await store.append(STREAM, [legacy], 1)

    result = await handler.handle(update_exercise("Barbell_Squat", sets=3, notes="pause"), meta("update"))

    [event] = result.events
    assert isinstance(event, ExerciseUpdated)
    assert event.exercise == PlannedExercise(
        "Barbell_Squat", "Barbell Squat", 3, 8, 80.0, 120, None, "pause", ()
    )
    stored = (await store.read_stream(STREAM, from_version=2, to_version=2))[0]
    assert (stored.schema_version, stored.data) == (1, V1_EXERCISE_ADDED)


async def test_an_unknown_stored_event_type_is_an_error_not_skipped(handler, store):
    await handler.handle(create_plan(), meta("create"))
    alien = NewEvent(
        uuid5(NAMESPACE, "alien"), "PlanTeleported", 1, {}, EventMetadata("user", WRITER, WRITER)
    )
    await store.append(STREAM, [alien], 1)

    with pytest.raises(UnknownEventType) as error:
        await handler.handle(rename("Push day"), meta("rename"))
    assert error.value.event_type == "PlanTeleported"
    assert await store.current_position() == 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_all(st.data())
async def test_the_handler_stores_what_the_decider_decides(data):
    store = InMemoryEventStore()
    handler = CommandHandler(store, WORKOUT_PLANS)
    state: Plan | None = None
    archive_at = data.draw(ARCHIVE_AT, label="archive_at")
    for step in range(data.draw(STEPS, label="steps")):
        command: PlanCommand = draw_command(data, state, step, archive_at)
        expected = decide_or_error(command, state)
        if isinstance(expected, DomainError):
            before = await store.current_position()
            with pytest.raises(DomainError) as raised:
                await handler.handle(command, meta(f"step-{step}"))
            assert raised.value.code == expected.code
            assert await store.current_position() == before, "a failed command appends nothing"
            continue
        result = await handler.handle(command, meta(f"step-{step}"))
        assert list(result.events) == expected
        if data.draw(st.booleans(), label="retry"):
            assert await handler.handle(command, meta(f"step-{step}")) == result
        state = fold(expected, state)

    assert await stored_plan(store) == state
