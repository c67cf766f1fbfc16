"""What accepting a suggestion does to a plan: the plan commands, and the check before any is written."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.actor import Actor
from domain.coaching.errors import StaleSuggestion
from domain.coaching.plan_changes import check_applies, plan_changes
from domain.coaching.values import Suggestion, SuggestionKind
from domain.plans import Plan, fold
from domain.plans.commands import AddExercise, CreatePlanVersion, RemoveExercise, UpdateExercise
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
    }
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
