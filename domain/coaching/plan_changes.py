"""What accepting a suggestion does to its plan, as plan commands (actor AI_COACH), and the check that
they apply to the plan as it is now, before any of them is written.

An addition appends the exercise; a removal removes it; a replacement swaps the new one in at the old
one's place with the suggested prescription (`UpdateExercise` with a new `exercise_id`). Each ends with a
saved plan version whose change description names the suggestion, so the plan's history says where the
change came from.
"""

from __future__ import annotations

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
    UpdateExercise,
)
from domain.plans.errors import PlanArchived, PlanNotFound
from domain.plans.validation import MAX_CHANGE_DESCRIPTION


def plan_changes(suggestion: Suggestion, plan: Plan, at: datetime) -> tuple[PlanCommand, ...]:
    """The plan commands that apply `suggestion` to `plan`, last the saved version."""
    plan_id, actor = plan.plan_id, Actor.AI_COACH
    steps: list[PlanCommand] = []
    new, old = suggestion.exercise, suggestion.replaces
    if suggestion.kind is SuggestionKind.REPLACE_EXERCISE and new is not None and old is not None:
        changes = ExerciseChanges(
            exercise_id=new.exercise_id,
            name=new.name,
            sets=new.sets,
            reps=new.reps,
            weight_kg=new.weight_kg,
            rest_seconds=new.rest_seconds,
            tempo=new.tempo or "",
            notes=new.notes,
            alternatives=new.alternatives,
        )
        steps.append(UpdateExercise(plan_id=plan_id, exercise_id=old, changes=changes, actor=actor, at=at))
    elif old is not None:
        steps.append(RemoveExercise(plan_id=plan_id, exercise_id=old, actor=actor, at=at))
    elif new is not None:
        steps.append(AddExercise(plan_id=plan_id, exercise=new, actor=actor, at=at))
    steps.append(
        CreatePlanVersion(plan_id=plan_id, change_description=_description(suggestion), actor=actor, at=at)
    )
    return tuple(steps)


def check_applies(suggestion: Suggestion, plan: Plan, steps: tuple[PlanCommand, ...]) -> None:
    """Decide every step on the plan as the earlier ones leave it, writing nothing. Raises
    StaleSuggestion when the plan moved under the suggestion (the exercise is gone, already there, the
    plan is full, ...); PlanArchived and PlanNotFound as they are."""
    state: Plan | None = plan
    for step in steps:
        try:
            events = decide(step, state)
        except (PlanArchived, PlanNotFound):
            raise
        except DomainError as refused:
            raise StaleSuggestion(suggestion.suggestion_id, refused.message) from refused
        for event in events:
            state = evolve(state, event)


def _description(suggestion: Suggestion) -> str:
    head = f"Coach suggestion {suggestion.suggestion_id} ({suggestion.kind.value})"
    reason = " ".join(suggestion.reason.split())
    text = f"{head}: {reason}" if reason else head
    return text if len(text) <= MAX_CHANGE_DESCRIPTION else text[: MAX_CHANGE_DESCRIPTION - 3] + "..."
