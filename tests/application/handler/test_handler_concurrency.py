"""Optimistic concurrency in the command handler: a client's stale version conflicts at once, while a
concurrent write is retried on fresh state (a bounded number of times)."""

from __future__ import annotations

import pytest

from application.handler import CommandHandler
from domain.actor import Actor
from domain.errors import ConcurrencyConflict
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.errors import DuplicateExercise
from domain.plans.events import ExerciseAdded, PlanEvent, WorkoutPlanRenamed
from tests.application.handler.handler_support import meta, stored_plan
from tests.domain.plans import PLAN_ID, add_exercise, at, create_plan, exercise, rename


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
