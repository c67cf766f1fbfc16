"""What accepting a suggestion does to its plan, as plan commands (actor AI_COACH), and the check that
they apply to the plan as it is now, before any of them is written.

An addition appends the exercise; a removal removes it; a replacement removes the old one, adds the new
one and puts it where the old one was. Each ends with a saved plan version whose change description names
the suggestion, so the plan's history says where the change came from.
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
    PlanCommand,
    RemoveExercise,
    ReorderExercises,
)
from domain.plans.errors import PlanArchived, PlanNotFound
from domain.plans.validation import MAX_CHANGE_DESCRIPTION


def plan_changes(suggestion: Suggestion, plan: Plan, at: datetime) -> tuple[PlanCommand, ...]:
    """The plan commands that apply `suggestion` to `plan`, last the saved version."""
    plan_id, actor = plan.plan_id, Actor.AI_COACH
    steps: list[PlanCommand] = []
    if suggestion.replaces is not None:
        steps.append(RemoveExercise(plan_id=plan_id, exercise_id=suggestion.replaces, actor=actor, at=at))
    if suggestion.exercise is not None:
        steps.append(AddExercise(plan_id=plan_id, exercise=suggestion.exercise, actor=actor, at=at))
    if suggestion.kind is SuggestionKind.REPLACE_EXERCISE and suggestion.exercise is not None:
        order = tuple(
            suggestion.exercise.exercise_id if exercise_id == suggestion.replaces else exercise_id
            for exercise_id in plan.exercise_ids
        )
        steps.append(ReorderExercises(plan_id=plan_id, exercise_ids=order, actor=actor, at=at))
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
