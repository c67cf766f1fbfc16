"""The command handler on the in-memory store: it appends what the decider decides, with the command's
metadata, nothing for a rejected command or a no-op, and answers a retried command with its first result."""

from __future__ import annotations

from dataclasses import replace
from uuid import uuid5

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from adapters.memory.store import InMemoryEventStore
from application.eventstore import EventMetadata
from application.handler import CommandHandler, CommandResult
from domain.actor import Actor
from domain.errors import DomainError
from domain.plans import Plan, decide, encode, fold
from domain.plans.commands import PlanCommand
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.errors import DuplicateExercise, PlanNotFound
from domain.plans.events import ExerciseAdded
from tests.application.handler.handler_support import NAMESPACE, STREAM, meta, stored_plan
from tests.domain.plans import (
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
)


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
    assert {replace(event.metadata, chain_hash=None) for event in recorded} == {
        EventMetadata("ai_coach", command_id, uuid5(NAMESPACE, "revert-correlation"), causation, user_id)
    }
    assert all(event.metadata.chain_hash for event in recorded)
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
