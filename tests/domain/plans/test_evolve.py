"""`evolve` is total: an event that does not apply leaves the state unchanged, and it never raises."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import pytest
from hypothesis import given as for_all
from hypothesis import settings
from hypothesis import strategies as st

from domain.actor import Actor
from domain.plans import evolve, fold
from domain.plans.events import (
    ExerciseAdded,
    ExerciseRemoved,
    ExercisesReordered,
    ExerciseUpdated,
    PlanEvent,
    WorkoutPlanArchived,
    WorkoutPlanCreated,
    WorkoutPlanRenamed,
    WorkoutPlanReverted,
)
from tests.domain.plans import PLAN_ID, added, archived, at, created, exercise, given, versioned

OTHER_PLAN = UUID("99999999-9999-4999-8999-999999999999")


def renamed(name: str, plan_id: UUID = PLAN_ID, minute: int = 5) -> WorkoutPlanRenamed:
    return WorkoutPlanRenamed(plan_id=plan_id, name=name, actor=Actor.USER, at=at(minute))


def test_events_before_creation_leave_no_plan():
    assert fold([renamed("x"), added("A"), archived()]) is None


def test_a_second_creation_does_not_reset_the_plan():
    plan = given(created(), added("A"))

    assert evolve(plan, created(name="Other")) == plan


@pytest.mark.parametrize(
    "event",
    [
        added("A", minute=9),
        ExerciseUpdated(
            plan_id=PLAN_ID, exercise=exercise("Z"), changed_fields=("sets",), actor=Actor.USER, at=at(9)
        ),
        ExerciseRemoved(plan_id=PLAN_ID, exercise_id="Z", actor=Actor.USER, at=at(9)),
        ExercisesReordered(plan_id=PLAN_ID, exercise_ids=("A", "A"), actor=Actor.USER, at=at(9)),
        ExercisesReordered(plan_id=PLAN_ID, exercise_ids=("A",), actor=Actor.USER, at=at(9)),
        versioned(3),
        versioned(1),
        renamed("Elsewhere", plan_id=OTHER_PLAN),
    ],
    ids=[
        "duplicate-add",
        "update-missing",
        "remove-missing",
        "reorder-repeated",
        "reorder-partial",
        "version-gap",
        "version-repeated",
        "other-plan",
    ],
)
def test_an_event_that_does_not_apply_leaves_the_state_unchanged(event):
    plan = given(created(), added("A"), added("B"), versioned(1, "A"))

    assert evolve(plan, event) == plan


def test_an_archived_plan_does_not_change_any_more():
    plan = given(created(), added("A"), archived())

    assert fold([renamed("Later"), added("B"), versioned(1)], plan) == plan


def test_applied_events_move_updated_at():
    plan = given(created(), renamed("New", minute=42))

    assert plan is not None
    assert plan.updated_at == at(42)


PLAN_IDS = st.sampled_from([PLAN_ID, OTHER_PLAN])
IDS = st.sampled_from(["A", "B", "C"])
EXERCISES = IDS.map(exercise)
ANY_EVENT: st.SearchStrategy[PlanEvent] = st.one_of(
    PLAN_IDS.map(lambda plan_id: replace(created(), plan_id=plan_id)),
    st.builds(renamed, st.sampled_from(["x", "y"]), PLAN_IDS),
    st.builds(
        ExerciseAdded, plan_id=PLAN_IDS, exercise=EXERCISES, actor=st.just(Actor.USER), at=st.just(at(1))
    ),
    st.builds(
        ExerciseUpdated,
        plan_id=PLAN_IDS,
        exercise=EXERCISES,
        changed_fields=st.just(("sets",)),
        actor=st.just(Actor.USER),
        at=st.just(at(2)),
    ),
    st.builds(
        ExerciseRemoved, plan_id=PLAN_IDS, exercise_id=IDS, actor=st.just(Actor.USER), at=st.just(at(3))
    ),
    st.builds(
        ExercisesReordered,
        plan_id=PLAN_IDS,
        exercise_ids=st.lists(IDS, max_size=4).map(tuple),
        actor=st.just(Actor.USER),
        at=st.just(at(4)),
    ),
    st.integers(-1, 4).map(lambda number: versioned(number)),
    st.builds(
        WorkoutPlanReverted,
        plan_id=PLAN_IDS,
        to_version=st.integers(0, 3),
        exercises=st.lists(EXERCISES, max_size=3, unique_by=lambda e: e.exercise_id).map(tuple),
        actor=st.just(Actor.AI_COACH),
        at=st.just(at(5)),
    ),
    st.builds(WorkoutPlanArchived, plan_id=PLAN_IDS, actor=st.just(Actor.USER), at=st.just(at(6))),
)


@settings(max_examples=200, deadline=None)
@for_all(st.lists(ANY_EVENT, max_size=25))
def test_evolve_never_raises_and_keeps_ids_unique(events):
    plan = fold(events)

    if plan is not None:
        assert isinstance(plan.plan_id, UUID)
        assert len(set(plan.exercise_ids)) == len(plan.exercise_ids)
        assert [version.number for version in plan.versions] == list(range(1, len(plan.versions) + 1))
    assert plan is None or any(isinstance(event, WorkoutPlanCreated) for event in events)
