"""What accepting a suggestion does to its plan, as plan commands (actor AI_COACH), and the checks that
they still fit the plan as it is now, before any of them is written.

An addition appends the exercise; a removal removes it; a replacement swaps the new one in at the old
one's place with the suggested prescription (`UpdateExercise` with a new `exercise_id`); an update sets
the suggested sets, reps, weight and rest (`UpdateExercise`); a reordering puts the plan's exercises in
the suggested order (`ReorderExercises`). Each ends with a saved plan version whose change description
names the suggestion, so the plan's history says where the change came from.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from domain.actor import Actor
from domain.coaching.errors import StaleSuggestion
from domain.coaching.values import Suggestion, SuggestionKind
from domain.errors import DomainError
from domain.plans import Plan, decide, evolve
from domain.plans.commands import (
    AddExercise,
    CreatePlanVersion,
    ExerciseChanges,
    PlanCommand,
    RemoveExercise,
    ReorderExercises,
    UpdateExercise,
)
from domain.plans.errors import PlanArchived, PlanNotFound
from domain.plans.validation import MAX_CHANGE_DESCRIPTION
from domain.plans.values import PlannedExercise


def plan_changes(suggestion: Suggestion, plan: Plan, at: datetime) -> tuple[PlanCommand, ...]:
    """The plan commands that apply `suggestion` to `plan`: its change, then the saved version."""
    description = _description(suggestion)
    return (
        _change(suggestion, plan, at),
        CreatePlanVersion(plan_id=plan.plan_id, change_description=description, actor=Actor.AI_COACH, at=at),
    )


def _change(suggestion: Suggestion, plan: Plan, at: datetime) -> PlanCommand:
    plan_id, actor = plan.plan_id, Actor.AI_COACH
    target, new = suggestion.replaces, suggestion.exercise
    if suggestion.kind is SuggestionKind.REORDER_EXERCISES:
        return ReorderExercises(plan_id=plan_id, exercise_ids=suggestion.order, actor=actor, at=at)
    if new is not None and target is not None:
        changes = _changes(suggestion.kind, new)
        return UpdateExercise(plan_id=plan_id, exercise_id=target, changes=changes, actor=actor, at=at)
    if target is not None:
        return RemoveExercise(plan_id=plan_id, exercise_id=target, actor=actor, at=at)
    if new is not None:
        return AddExercise(plan_id=plan_id, exercise=new, actor=actor, at=at)
    # Not reached for a validated suggestion (`domain.coaching.validation` checks each kind's shape).
    raise StaleSuggestion(suggestion.suggestion_id, f"a {suggestion.kind.value} that changes nothing")


def _changes(kind: SuggestionKind, new: PlannedExercise) -> ExerciseChanges:
    """An update changes the prescription only; a replacement puts the whole new exercise in place."""
    prescription = ExerciseChanges(
        sets=new.sets, reps=new.reps, weight_kg=new.weight_kg, rest_seconds=new.rest_seconds
    )
    if kind is SuggestionKind.UPDATE_EXERCISE:
        return prescription
    return replace(
        prescription,
        exercise_id=new.exercise_id,
        name=new.name,
        tempo=new.tempo or "",
        notes=new.notes,
        alternatives=new.alternatives,
    )


def check_unchanged(suggestion: Suggestion, seen: Plan | None, now: Plan) -> None:
    """Raises StaleSuggestion when what an update or a reordering changes is no longer as it was in
    `seen`, the plan at the version the suggestion was made against (`Suggestion.against`): an update of
    an exercise whose prescription was changed since would undo that change, a reordering of a plan
    whose exercises or order changed since would undo those. `seen` is None when the plan's history has
    no such version."""
    against = suggestion.against
    if against is not None and against.plan_id != now.plan_id:
        raise StaleSuggestion(suggestion.suggestion_id, "it was made for another plan")
    if suggestion.kind not in (SuggestionKind.UPDATE_EXERCISE, SuggestionKind.REORDER_EXERCISES):
        return
    if seen is None:
        raise StaleSuggestion(suggestion.suggestion_id, "the plan version it was made against is unknown")
    if suggestion.kind is SuggestionKind.REORDER_EXERCISES:
        if seen.exercise_ids != now.exercise_ids:
            raise StaleSuggestion(suggestion.suggestion_id, "the plan's exercises or their order changed")
        return
    target = suggestion.replaces or ""
    before, current = seen.find_exercise(target), now.find_exercise(target)
    if current is None or before is None or before.prescription != current.prescription:
        raise StaleSuggestion(suggestion.suggestion_id, f"{target} was changed since the suggestion")


def check_applies(suggestion: Suggestion, plan: Plan, steps: tuple[PlanCommand, ...]) -> None:
    """Decide every step on the plan as the earlier ones leave it, writing nothing. Raises
    StaleSuggestion when the plan moved under the suggestion (the exercise is gone, already there, the
    plan is full, the change is already made, ...); PlanArchived and PlanNotFound as they are."""
    state: Plan | None = plan
    for index, step in enumerate(steps):
        try:
            events = decide(step, state)
        except (PlanArchived, PlanNotFound):
            raise
        except DomainError as refused:
            raise StaleSuggestion(suggestion.suggestion_id, refused.message) from refused
        if index == 0 and not events:
            raise StaleSuggestion(suggestion.suggestion_id, "the plan already is as it suggests")
        for event in events:
            state = evolve(state, event)


def _description(suggestion: Suggestion) -> str:
    head = f"Coach suggestion {suggestion.suggestion_id} ({suggestion.kind.value})"
    reason = " ".join(suggestion.reason.split())
    text = f"{head}: {reason}" if reason else head
    return text if len(text) <= MAX_CHANGE_DESCRIPTION else text[: MAX_CHANGE_DESCRIPTION - 3] + "..."
