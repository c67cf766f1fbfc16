"""From what a model proposed (`ProposedChange`s) to the suggestions a reply may show: each is shaped into
a `Suggestion` with a new id, then checked after the model (`domain.coaching.suggestion_checks`) against
the library as it is now, the user's restrictions and equipment, and the plan's rules. What fails, or is
misshapen, is dropped with a `SafetyTrigger` naming why."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from application.coaching.candidates import members
from application.coaching.model import CoachAnswer, CoachFacts, ProposedChange
from application.library_views import LibraryReadModel
from domain.coaching.suggestion_checks import CheckedSuggestions, ExerciseFacts, check_suggestions
from domain.coaching.validation import MAX_NOTE, MAX_SUGGESTIONS
from domain.coaching.values import (
    Direction,
    SafetyAction,
    SafetyCategory,
    SafetyTrigger,
    Suggestion,
    SuggestionKind,
)
from domain.library.contraindications import Contraindication
from domain.library.values import Equipment
from domain.plans.values import PlannedExercise


def _dropped(note: str, category: SafetyCategory = SafetyCategory.PLAN_RULES) -> SafetyTrigger:
    return SafetyTrigger(category, SafetyAction.DROP_SUGGESTION, Direction.OUTPUT, note[:MAX_NOTE])


async def checked_suggestions(
    answer: CoachAnswer, facts: CoachFacts, library: LibraryReadModel, new_id: Callable[[], UUID]
) -> CheckedSuggestions:
    triggers = [_dropped(note) for note in answer.notes]
    shaped: list[Suggestion] = []
    for change in answer.changes:
        suggestion = _shaped(change, new_id)
        if suggestion is None:
            triggers.append(_dropped(f"a {change.kind.value} change that did not say what it changes"))
        else:
            shaped.append(suggestion)
    if len(shaped) > MAX_SUGGESTIONS:
        triggers.append(_dropped(f"{len(shaped) - MAX_SUGGESTIONS} changes past the {MAX_SUGGESTIONS} shown"))
        shaped = shaped[:MAX_SUGGESTIONS]
    ids = [s.exercise.exercise_id for s in shaped if s.exercise is not None]
    known = await library.exercises(ids) if ids else {}
    facts_of = {
        view.id: ExerciseFacts(
            exercise_id=view.id,
            name=view.name,
            equipment=members(Equipment, view.equipment),
            contraindications=members(Contraindication, view.contraindications),
            retired=view.retired,
        )
        for view in known.values()
    }
    checked = check_suggestions(shaped, facts_of, facts.availability, facts.plan_exercise_ids)
    return CheckedSuggestions(checked.suggestions, (*triggers, *checked.triggers))


def _shaped(change: ProposedChange, new_id: Callable[[], UUID]) -> Suggestion | None:
    wants_exercise = change.kind is not SuggestionKind.REMOVE_EXERCISE
    wants_target = change.kind is not SuggestionKind.ADD_EXERCISE
    if wants_exercise != bool(change.exercise_id) or wants_target != bool(change.replaces):
        return None
    exercise = None
    if change.exercise_id:
        exercise = PlannedExercise(
            exercise_id=change.exercise_id,
            name=change.exercise_id,  # the check puts the library's name in
            sets=change.sets,
            reps=change.reps,
            weight_kg=change.weight_kg,
            rest_seconds=change.rest_seconds,
        )
    return Suggestion(
        suggestion_id=new_id(),
        kind=change.kind,
        exercise=exercise,
        replaces=change.replaces or None,
        reason=change.reason.strip()[:MAX_NOTE],
    )
