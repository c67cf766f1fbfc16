"""What accepting a suggestion does to a plan: the plan commands, and the checks before any is written."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from domain.actor import Actor
from domain.coaching.errors import StaleSuggestion
from domain.coaching.plan_changes import check_applies, check_unchanged, plan_changes
from domain.coaching.values import PlanAt, Suggestion, SuggestionKind
from domain.plans import Plan, decide, evolve, fold
from domain.plans.commands import (
    AddExercise,
    CreatePlanVersion,
    ExerciseChanges,
    PlanCommand,
    RemoveExercise,
    ReorderExercises,
    UpdateExercise,
)
from domain.plans.errors import PlanArchived
from domain.plans.events import ExerciseAdded, WorkoutPlanArchived, WorkoutPlanCreated
from domain.plans.values import Difficulty, PlannedExercise

AT = datetime(2026, 3, 1, tzinfo=UTC)


def exercise(exercise_id: str, sets: int = 3) -> PlannedExercise:
    return PlannedExercise(
        exercise_id=exercise_id, name=exercise_id, sets=sets, reps=8, weight_kg=0, rest_seconds=60
    )


def plan_with(*exercise_ids: str, archived: bool = False) -> Plan:
    plan_id = uuid.uuid4()
    events: list[object] = [
        WorkoutPlanCreated(
            plan_id=plan_id,
            owner_id=uuid.uuid4(),
            name="Legs",
            description="",
            difficulty=Difficulty.BEGINNER,
            duration_minutes=45,
            actor=Actor.USER,
            at=AT,
        ),
        *(
            ExerciseAdded(plan_id=plan_id, exercise=exercise(e), actor=Actor.USER, at=AT)
            for e in exercise_ids
        ),
    ]
    if archived:
        events.append(WorkoutPlanArchived(plan_id=plan_id, actor=Actor.USER, at=AT))
    plan = fold(events)  # type: ignore[arg-type]
    assert plan is not None
    return plan


def suggestion(kind: SuggestionKind, new: str | None, old: str | None, reason: str = "why") -> Suggestion:
    return Suggestion(
        suggestion_id=uuid.uuid4(),
        kind=kind,
        exercise=None if new is None else exercise(new, sets=5),
        replaces=old,
        reason=reason,
    )


def update(plan: Plan, exercise_id: str, sets: int = 5) -> Suggestion:
    return Suggestion(
        suggestion_id=uuid.uuid4(),
        kind=SuggestionKind.UPDATE_EXERCISE,
        exercise=replace(exercise(exercise_id, sets=sets), weight_kg=12.5, notes="ignored", tempo="3-0-1-0"),
        replaces=exercise_id,
        against=PlanAt(plan.plan_id, 3),
        reason="more volume",
    )


def reorder(plan: Plan, *order: str) -> Suggestion:
    return Suggestion(
        suggestion_id=uuid.uuid4(),
        kind=SuggestionKind.REORDER_EXERCISES,
        order=order,
        against=PlanAt(plan.plan_id, 3),
        reason="big lifts first",
    )


def changed(plan: Plan, *commands: PlanCommand) -> Plan:
    state: Plan | None = plan
    for command in commands:
        for event in decide(command, state):
            state = evolve(state, event)
    assert state is not None
    return state


def test_each_kind_is_one_plan_change_then_a_version_by_the_coach_naming_the_suggestion() -> None:
    plan = plan_with("Squat", "Bench")
    cases = {
        SuggestionKind.ADD_EXERCISE: (suggestion(SuggestionKind.ADD_EXERCISE, "Row", None), AddExercise),
        SuggestionKind.REMOVE_EXERCISE: (
            suggestion(SuggestionKind.REMOVE_EXERCISE, None, "Bench"),
            RemoveExercise,
        ),
        SuggestionKind.REPLACE_EXERCISE: (
            suggestion(SuggestionKind.REPLACE_EXERCISE, "Lunge", "Squat"),
            UpdateExercise,
        ),
        SuggestionKind.UPDATE_EXERCISE: (update(plan, "Squat"), UpdateExercise),
        SuggestionKind.REORDER_EXERCISES: (reorder(plan, "Bench", "Squat"), ReorderExercises),
    }
    assert set(cases) == set(SuggestionKind)
    for proposed, change_type in cases.values():
        change, version = plan_changes(proposed, plan, AT)
        assert isinstance(change, change_type)
        assert isinstance(version, CreatePlanVersion)
        assert str(proposed.suggestion_id) in version.change_description
        assert {change.actor, version.actor} == {Actor.AI_COACH}
        check_applies(proposed, plan, (change, version))


def test_a_replacement_swaps_in_place_with_the_suggested_prescription() -> None:
    plan = plan_with("Squat", "Bench")
    proposed = suggestion(SuggestionKind.REPLACE_EXERCISE, "Lunge", "Squat")
    change, _ = plan_changes(proposed, plan, AT)
    assert isinstance(change, UpdateExercise)
    assert (change.exercise_id, change.changes.exercise_id, change.changes.sets) == ("Squat", "Lunge", 5)


def test_an_update_changes_the_prescription_only() -> None:
    plan = plan_with("Squat", "Bench")
    proposed = update(plan, "Bench", sets=4)
    change, version = plan_changes(proposed, plan, AT)
    assert isinstance(change, UpdateExercise)
    assert change.exercise_id == "Bench"
    assert change.changes == ExerciseChanges(sets=4, reps=8, weight_kg=12.5, rest_seconds=60)
    after = changed(plan, change, version)
    assert after.exercises[1] == replace(exercise("Bench", sets=4), weight_kg=12.5)
    assert after.exercise_ids == ("Squat", "Bench")


def test_a_reorder_puts_the_plans_exercises_in_the_suggested_order() -> None:
    plan = plan_with("Squat", "Bench", "Row")
    proposed = reorder(plan, "Row", "Squat", "Bench")
    steps = plan_changes(proposed, plan, AT)
    check_applies(proposed, plan, steps)
    assert changed(plan, *steps).exercise_ids == ("Row", "Squat", "Bench")


@pytest.mark.parametrize(
    ("proposed", "plan_ids"),
    [
        (suggestion(SuggestionKind.REMOVE_EXERCISE, None, "Deadlift"), ("Squat",)),
        (suggestion(SuggestionKind.ADD_EXERCISE, "Squat", None), ("Squat",)),
        (suggestion(SuggestionKind.REPLACE_EXERCISE, "Bench", "Squat"), ("Squat", "Bench")),
        (suggestion(SuggestionKind.ADD_EXERCISE, "Extra", None), tuple(f"E{n}" for n in range(20))),
    ],
    ids=["target gone", "already there", "replacement already there", "plan full"],
)
def test_a_plan_that_moved_under_the_suggestion_makes_it_stale(
    proposed: Suggestion, plan_ids: tuple[str, ...]
) -> None:
    plan = plan_with(*plan_ids)
    with pytest.raises(StaleSuggestion) as refused:
        check_applies(proposed, plan, plan_changes(proposed, plan, AT))
    assert refused.value.code == "STALE_SUGGESTION"


def test_an_archived_plan_is_refused_as_archived() -> None:
    plan = plan_with("Squat", archived=True)
    proposed = suggestion(SuggestionKind.REMOVE_EXERCISE, None, "Squat")
    with pytest.raises(PlanArchived):
        check_applies(proposed, plan, plan_changes(proposed, plan, AT))


def test_a_long_reason_is_cut_to_fit_the_change_description() -> None:
    plan = plan_with("Squat")
    proposed = suggestion(SuggestionKind.ADD_EXERCISE, "Row", None, reason="x" * 2000)
    _, version = plan_changes(proposed, plan, AT)
    assert isinstance(version, CreatePlanVersion)
    assert len(version.change_description) == 500
    check_applies(proposed, plan, plan_changes(proposed, plan, AT))


def test_a_change_the_plan_already_has_is_stale() -> None:
    plan = plan_with("Squat", "Bench")
    same = replace(update(plan, "Squat", sets=3), exercise=exercise("Squat", sets=3))
    with pytest.raises(StaleSuggestion, match="already is as it suggests"):
        check_applies(same, plan, plan_changes(same, plan, AT))
    in_order = reorder(plan, "Squat", "Bench")
    with pytest.raises(StaleSuggestion, match="already is as it suggests"):
        check_applies(in_order, plan, plan_changes(in_order, plan, AT))


def test_a_reorder_of_a_plan_whose_exercises_changed_since_is_stale() -> None:
    seen = plan_with("Squat", "Bench", "Row")
    proposed = reorder(seen, "Row", "Squat", "Bench")
    check_unchanged(proposed, seen, seen)
    user_reordered = changed(
        seen,
        ReorderExercises(
            plan_id=seen.plan_id, exercise_ids=("Bench", "Squat", "Row"), actor=Actor.USER, at=AT
        ),
    )
    one_more = changed(
        seen, AddExercise(plan_id=seen.plan_id, exercise=exercise("Lunge"), actor=Actor.USER, at=AT)
    )
    for now in (user_reordered, one_more):
        with pytest.raises(StaleSuggestion, match="order changed"):
            check_unchanged(proposed, seen, now)


def test_an_update_of_an_exercise_changed_since_is_stale_but_other_changes_do_not_matter() -> None:
    seen = plan_with("Squat", "Bench")
    proposed = update(seen, "Bench", sets=4)
    other_edited = changed(
        seen,
        UpdateExercise(
            plan_id=seen.plan_id,
            exercise_id="Squat",
            changes=ExerciseChanges(sets=6),
            actor=Actor.USER,
            at=AT,
        ),
    )
    notes_only = changed(
        seen,
        UpdateExercise(
            plan_id=seen.plan_id,
            exercise_id="Bench",
            changes=ExerciseChanges(notes="elbows in"),
            actor=Actor.USER,
            at=AT,
        ),
    )
    for now in (seen, other_edited, notes_only):
        check_unchanged(proposed, seen, now)
    edited = changed(
        seen,
        UpdateExercise(
            plan_id=seen.plan_id,
            exercise_id="Bench",
            changes=ExerciseChanges(reps=5),
            actor=Actor.USER,
            at=AT,
        ),
    )
    removed = changed(
        seen, RemoveExercise(plan_id=seen.plan_id, exercise_id="Bench", actor=Actor.USER, at=AT)
    )
    for now in (edited, removed):
        with pytest.raises(StaleSuggestion, match="Bench was changed"):
            check_unchanged(proposed, seen, now)


def test_an_update_or_reorder_without_the_version_it_was_made_against_or_for_another_plan_is_stale() -> None:
    plan = plan_with("Squat", "Bench")
    for proposed in (update(plan, "Bench"), reorder(plan, "Bench", "Squat")):
        with pytest.raises(StaleSuggestion, match="version it was made against"):
            check_unchanged(proposed, None, plan)
    elsewhere = replace(
        suggestion(SuggestionKind.REMOVE_EXERCISE, None, "Bench"), against=PlanAt(uuid.uuid4(), 2)
    )
    with pytest.raises(StaleSuggestion, match="another plan"):
        check_unchanged(elsewhere, plan, plan)
    check_unchanged(suggestion(SuggestionKind.REMOVE_EXERCISE, None, "Bench"), None, plan)
