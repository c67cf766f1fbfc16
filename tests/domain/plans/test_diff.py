"""The diff of two plan states: each kind of change named as data, and applying it gives the later state
(for random command runs, between any two of their states)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from domain.actor import Actor
from domain.errors import DomainError
from domain.plans import Plan, fold
from domain.plans.diff import (
    AddedExercise,
    ChangedExercise,
    ExerciseFieldChange,
    PlanDiff,
    PlanFieldChange,
    apply_diff,
    diff_plans,
)
from domain.plans.events import ExerciseRemoved, ExercisesReordered, ExerciseUpdated, WorkoutPlanRenamed
from domain.plans.values import Difficulty
from tests.domain.plans import (
    ARCHIVE_AT,
    PLAN_ID,
    STEPS,
    added,
    archived,
    at,
    created,
    decide_or_error,
    draw_command,
    exercise,
    versioned,
)


def plan(*events: object) -> Plan:
    state = fold(events)  # type: ignore[arg-type]
    assert state is not None
    return state


BASE = (created(), added("Squat", 1), added("Bench", 2), added("Row", 3))


def test_a_plan_compared_with_itself_has_an_empty_diff():
    state = plan(*BASE)
    assert diff_plans(state, state) == PlanDiff()
    assert diff_plans(state, state).is_empty
    assert apply_diff(state, PlanDiff()) == state


def test_every_kind_of_change_is_named_and_applies():
    before = plan(*BASE)
    after = plan(
        *BASE,
        WorkoutPlanRenamed(plan_id=PLAN_ID, name="Leg day II", actor=Actor.AI_COACH, at=at(4)),
        ExerciseRemoved(plan_id=PLAN_ID, exercise_id="Bench", actor=Actor.USER, at=at(5)),
        ExerciseUpdated(
            plan_id=PLAN_ID,
            exercise=exercise("Squat", sets=3, notes="slow"),
            changed_fields=("sets", "notes"),
            actor=Actor.USER,
            at=at(6),
        ),
        added("Deadlift", 7),
        ExercisesReordered(
            plan_id=PLAN_ID, exercise_ids=("Row", "Deadlift", "Squat"), actor=Actor.USER, at=at(8)
        ),
        versioned(1, "Row", "Deadlift", "Squat"),
        archived(),
    )
    diff = diff_plans(before, after)
    assert diff == PlanDiff(
        fields=(
            PlanFieldChange("name", "Leg day", "Leg day II"),
            PlanFieldChange("archived", False, True),
            PlanFieldChange("updated_at", at(3), at(30)),
        ),
        removed=(exercise("Bench"),),
        added=(AddedExercise(1, exercise("Deadlift")),),
        changed=(
            ChangedExercise(
                "Squat",
                (ExerciseFieldChange("sets", 5, 3), ExerciseFieldChange("notes", "", "slow")),
            ),
        ),
        reordered=("Row", "Squat"),
        versions_added=after.versions,
    )
    assert apply_diff(before, diff) == after


def test_an_exercise_removed_and_added_again_is_one_exercise_kept_and_compared():
    before = plan(*BASE)
    after = plan(
        *BASE,
        ExerciseRemoved(plan_id=PLAN_ID, exercise_id="Squat", actor=Actor.USER, at=at(4)),
        added(exercise("Squat", reps=8), 5),
    )
    diff = diff_plans(before, after)
    assert diff.removed == ()
    assert diff.added == ()
    assert diff.changed == (ChangedExercise("Squat", (ExerciseFieldChange("reps", 5, 8),)),)
    assert diff.reordered == ("Bench", "Row", "Squat")
    assert apply_diff(before, diff) == after


def test_states_of_two_plans_or_in_the_wrong_order_have_no_diff():
    earlier, later = plan(*BASE[:2]), plan(*BASE, versioned(1, "Squat"))
    with pytest.raises(ValueError, match="same plan"):
        diff_plans(earlier, replace(later, plan_id=later.owner_id))
    with pytest.raises(ValueError, match="versions"):
        diff_plans(later, earlier)
    assert diff_plans(earlier, replace(later, difficulty=Difficulty.ADVANCED)).fields[0] == PlanFieldChange(
        "difficulty", Difficulty.INTERMEDIATE, Difficulty.ADVANCED
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_all(st.data())
def test_the_diff_of_any_two_states_of_a_random_run_applied_to_the_earlier_gives_the_later(data):
    state: Plan | None = None
    states: list[Plan] = []
    archive_at = data.draw(ARCHIVE_AT, label="archive_at")
    for step in range(data.draw(STEPS, label="steps")):
        events = decide_or_error(draw_command(data, state, step, archive_at), state)
        if isinstance(events, DomainError):
            continue
        for event in events:
            state = fold([event], state)
            if state is not None:
                states.append(state)
    if not states:
        return
    first = data.draw(st.integers(0, len(states) - 1), label="from")
    last = data.draw(st.integers(first, len(states) - 1), label="to")
    before, after = states[first], states[last]
    diff = diff_plans(before, after)
    assert apply_diff(before, diff) == after
    assert diff.is_empty == (before == after)
