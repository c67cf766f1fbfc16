"""The check after the model (and after the offline coach): which proposed plan changes may be shown.

Each suggestion is checked against the library (the exercise exists and is not retired), the user's
restrictions and equipment (`domain.library.availability`), and the plan's rules (at most
`MAX_EXERCISES`, no duplicates, a replacement, update or removal names an exercise of the plan, an
update changes something and a reordering lists exactly the plan's exercises in a new order, the bounds
of sets, reps, weight and rest). What fails is dropped and recorded as a `SafetyTrigger` (direction
OUTPUT, action DROP_SUGGESTION) with a note of ours; it is never shown as a suggestion.

An update keeps an exercise already in the plan: it is checked against the user's restrictions and
equipment when the library knows the exercise (more sets of what their injury rules out is not safe),
and passes when it does not (plans written before the library, retired exercises).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from domain.coaching.values import (
    Direction,
    SafetyAction,
    SafetyCategory,
    SafetyTrigger,
    Suggestion,
    SuggestionKind,
)
from domain.errors import ValidationError
from domain.library.availability import Availability, is_available
from domain.library.contraindications import Contraindication
from domain.library.values import Equipment
from domain.plans import validation as plan_validation
from domain.plans.validation import MAX_EXERCISES
from domain.plans.values import PlannedExercise

Problem = tuple[SafetyCategory, str]


@dataclass(frozen=True, slots=True)
class ExerciseFacts:
    """What the check needs to know about a library exercise."""

    exercise_id: str
    name: str
    equipment: tuple[Equipment, ...]
    contraindications: tuple[Contraindication, ...]
    retired: bool = False


@dataclass(frozen=True, slots=True)
class CheckedSuggestions:
    suggestions: tuple[Suggestion, ...]
    """What may be shown, in the order proposed."""
    triggers: tuple[SafetyTrigger, ...]
    """One per dropped suggestion."""


def check_suggestions(
    proposed: Sequence[Suggestion],
    library: Mapping[str, ExerciseFacts],
    availability: Availability,
    plan_exercises: Sequence[PlannedExercise],
) -> CheckedSuggestions:
    """Keep the suggestions that pass, in order; each later one is checked against the plan as the earlier
    kept ones would leave it, so that accepting them all still keeps the plan's rules."""
    plan = list(plan_exercises)
    kept: list[Suggestion] = []
    dropped: list[SafetyTrigger] = []
    for suggestion in proposed:
        problem = _problem(suggestion, library, availability, plan)
        if problem is not None:
            category, note = problem
            dropped.append(SafetyTrigger(category, SafetyAction.DROP_SUGGESTION, Direction.OUTPUT, note))
            continue
        kept.append(_named(suggestion, library))
        _apply(plan, suggestion)
    return CheckedSuggestions(tuple(kept), tuple(dropped))


def _problem(
    suggestion: Suggestion,
    library: Mapping[str, ExerciseFacts],
    availability: Availability,
    plan: list[PlannedExercise],
) -> Problem | None:
    rules = SafetyCategory.PLAN_RULES
    ids = [exercise.exercise_id for exercise in plan]
    if suggestion.replaces is not None and suggestion.replaces not in ids:
        return rules, f"a change named {_quoted(suggestion.replaces)}, which is not in the plan"
    if suggestion.kind is SuggestionKind.REORDER_EXERCISES:
        return _order_problem(suggestion.order, ids)
    if suggestion.exercise is None:  # a removal
        return None
    exercise_id = suggestion.exercise.exercise_id
    facts = library.get(exercise_id)
    if suggestion.kind is SuggestionKind.UPDATE_EXERCISE:
        return _update_problem(suggestion.exercise, plan[ids.index(exercise_id)], facts, availability)
    if facts is None or facts.retired:
        return rules, f"{_quoted(exercise_id)} is not an exercise the library offers"
    unsuitable = _unsuitable(facts, availability)
    if unsuitable is not None:
        return unsuitable
    stays = [item for item in ids if item != suggestion.replaces]
    if exercise_id in stays:
        return rules, f"{facts.name} is already in the plan"
    if suggestion.kind is SuggestionKind.ADD_EXERCISE and len(plan) >= MAX_EXERCISES:
        return rules, f"the plan already holds {MAX_EXERCISES} exercises"
    return _out_of_bounds(replace(suggestion.exercise, name=facts.name))


def _update_problem(
    updated: PlannedExercise,
    current: PlannedExercise,
    facts: ExerciseFacts | None,
    availability: Availability,
) -> Problem | None:
    if facts is not None:
        unsuitable = _unsuitable(facts, availability)
        if unsuitable is not None:
            return unsuitable
    prescription = current.prescribed_as(updated)
    if prescription == current:
        return SafetyCategory.PLAN_RULES, f"an update of {current.name} that changes nothing"
    return _out_of_bounds(prescription)


def _order_problem(order: Sequence[str], plan_ids: Sequence[str]) -> Problem | None:
    rules = SafetyCategory.PLAN_RULES
    if len(set(order)) != len(order):
        return rules, "a new order that lists an exercise twice"
    if set(order) != set(plan_ids):
        return rules, "a new order that does not list exactly the plan's exercises"
    if tuple(order) == tuple(plan_ids):
        return rules, "a new order that is the plan's order already"
    return None


def _unsuitable(facts: ExerciseFacts, availability: Availability) -> Problem | None:
    excluded = sorted(tag.value for tag in availability.exclude.intersection(facts.contraindications))
    if excluded:
        return SafetyCategory.CONTRAINDICATED_EXERCISE, f"{facts.name} involves {', '.join(excluded)}"
    if not is_available(facts.equipment, (), availability):
        return SafetyCategory.UNAVAILABLE_EQUIPMENT, f"{facts.name} needs equipment not in the profile"
    return None


def _out_of_bounds(exercise: PlannedExercise) -> Problem | None:
    try:
        plan_validation.exercise(exercise)
    except ValidationError as error:
        return SafetyCategory.PLAN_RULES, f"{exercise.name} was proposed out of bounds ({error.field})"
    return None


def _named(suggestion: Suggestion, library: Mapping[str, ExerciseFacts]) -> Suggestion:
    """An addition or replacement with the library's name for its exercise (a model may misname it)."""
    if suggestion.exercise is None or suggestion.kind is SuggestionKind.UPDATE_EXERCISE:
        return suggestion
    name = library[suggestion.exercise.exercise_id].name
    return replace(suggestion, exercise=replace(suggestion.exercise, name=name))


def _apply(plan: list[PlannedExercise], suggestion: Suggestion) -> None:
    ids = [exercise.exercise_id for exercise in plan]
    if suggestion.kind is SuggestionKind.REORDER_EXERCISES:
        plan[:] = [plan[ids.index(exercise_id)] for exercise_id in suggestion.order]
    elif suggestion.kind is SuggestionKind.UPDATE_EXERCISE and suggestion.exercise is not None:
        position = ids.index(suggestion.exercise.exercise_id)
        plan[position] = plan[position].prescribed_as(suggestion.exercise)
    elif suggestion.replaces is not None:
        position = ids.index(suggestion.replaces)
        if suggestion.exercise is None:
            del plan[position]
        else:
            plan[position] = suggestion.exercise
    elif suggestion.exercise is not None:
        plan.append(suggestion.exercise)


def _quoted(exercise_id: str) -> str:
    """An id a model wrote, shortened and quoted for a note (it is not ours to trust)."""
    shortened = exercise_id if len(exercise_id) <= 40 else exercise_id[:40] + "..."
    return repr(shortened)
