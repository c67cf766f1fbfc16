"""The check after the model (and after the offline coach): which proposed plan changes may be shown.

Each suggestion is checked against the library (the exercise exists and is not retired), the user's
restrictions and equipment (`domain.library.availability`), and the plan's rules (at most
`MAX_EXERCISES`, no duplicates, a replacement or removal names an exercise of the plan, the bounds of
sets, reps, weight and rest). What fails is dropped and recorded as a `SafetyTrigger` (direction OUTPUT,
action DROP_SUGGESTION) with a note of ours; it is never shown as a suggestion.
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
    plan_exercise_ids: Sequence[str],
) -> CheckedSuggestions:
    """Keep the suggestions that pass, in order; each later one is checked against the plan as the earlier
    kept ones would leave it, so that accepting them all still keeps the plan's rules."""
    plan = list(plan_exercise_ids)
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
    plan: list[str],
) -> tuple[SafetyCategory, str] | None:
    rules = SafetyCategory.PLAN_RULES
    if suggestion.replaces is not None and suggestion.replaces not in plan:
        return rules, f"a change named {_quoted(suggestion.replaces)}, which is not in the plan"
    if suggestion.kind is SuggestionKind.REMOVE_EXERCISE or suggestion.exercise is None:
        return None
    exercise_id = suggestion.exercise.exercise_id
    facts = library.get(exercise_id)
    if facts is None or facts.retired:
        return rules, f"{_quoted(exercise_id)} is not an exercise the library offers"
    excluded = sorted(tag.value for tag in availability.exclude.intersection(facts.contraindications))
    if excluded:
        return SafetyCategory.CONTRAINDICATED_EXERCISE, f"{facts.name} involves {', '.join(excluded)}"
    if not is_available(facts.equipment, (), availability):
        return SafetyCategory.UNAVAILABLE_EQUIPMENT, f"{facts.name} needs equipment not in the profile"
    stays = [item for item in plan if item != suggestion.replaces]
    if exercise_id in stays:
        return rules, f"{facts.name} is already in the plan"
    if suggestion.kind is SuggestionKind.ADD_EXERCISE and len(plan) >= MAX_EXERCISES:
        return rules, f"the plan already holds {MAX_EXERCISES} exercises"
    try:
        plan_validation.exercise(replace(suggestion.exercise, name=facts.name))
    except ValidationError as error:
        return rules, f"{facts.name} was proposed out of bounds ({error.field})"
    return None


def _named(suggestion: Suggestion, library: Mapping[str, ExerciseFacts]) -> Suggestion:
    """The suggestion with the library's name for its exercise (a model may misname it)."""
    if suggestion.exercise is None:
        return suggestion
    name = library[suggestion.exercise.exercise_id].name
    return replace(suggestion, exercise=replace(suggestion.exercise, name=name))


def _apply(plan: list[str], suggestion: Suggestion) -> None:
    if suggestion.replaces is not None:
        position = plan.index(suggestion.replaces)
        if suggestion.exercise is None:
            del plan[position]
        else:
            plan[position] = suggestion.exercise.exercise_id
    elif suggestion.exercise is not None:
        plan.append(suggestion.exercise.exercise_id)


def _quoted(exercise_id: str) -> str:
    """An id a model wrote, shortened and quoted for a note (it is not ours to trust)."""
    shortened = exercise_id if len(exercise_id) <= 40 else exercise_id[:40] + "..."
    return repr(shortened)
