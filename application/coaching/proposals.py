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
from domain.coaching.validation import MAX_NOTE, MAX_SUGGESTIONS, SHAPES
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
from domain.plans.commands import ExerciseChanges
from domain.plans.values import PlannedExercise


def _dropped(note: str, category: SafetyCategory = SafetyCategory.PLAN_RULES) -> SafetyTrigger:
    return SafetyTrigger(category, SafetyAction.DROP_SUGGESTION, Direction.OUTPUT, note[:MAX_NOTE])


async def checked_suggestions(
    answer: CoachAnswer, facts: CoachFacts, library: LibraryReadModel, new_id: Callable[[], UUID]
) -> CheckedSuggestions:
    triggers = [_dropped(note) for note in answer.notes]
    shaped: list[Suggestion] = []
    for change in answer.changes:
        suggestion = _shaped(change, facts, new_id)
        if isinstance(suggestion, str):
            triggers.append(_dropped(suggestion))
        else:
            shaped.append(suggestion)
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
    checked = check_suggestions(shaped, facts_of, facts.availability, facts.planned)
    triggers.extend(checked.triggers)
    shown = checked.suggestions[:MAX_SUGGESTIONS]
    if len(checked.suggestions) > len(shown):
        triggers.append(
            _dropped(f"{len(checked.suggestions) - len(shown)} changes past the {len(shown)} shown")
        )
    return CheckedSuggestions(shown, tuple(triggers))


def _shaped(change: ProposedChange, facts: CoachFacts, new_id: Callable[[], UUID]) -> Suggestion | str:
    """The suggestion a change proposes, or why it cannot be one (a note of ours)."""
    kind = change.kind
    exercise_id, target = change.exercise_id or None, change.replaces or None
    if kind is SuggestionKind.UPDATE_EXERCISE and (exercise_id is None or target is None):
        exercise_id = target = exercise_id or target  # an update names its exercise once
    shape = SHAPES[kind]
    named = (exercise_id is not None, target is not None, bool(change.order))
    two_exercises = kind is SuggestionKind.UPDATE_EXERCISE and exercise_id != target
    if named != (shape.exercise, shape.target, shape.order) or two_exercises:
        return f"a {kind.value} change that did not say what it changes"
    if shape.against and facts.plan is None:
        return f"a {kind.value} change without a plan to change"
    current = next((e for e in facts.planned if e.exercise_id == target), None)
    if kind is SuggestionKind.UPDATE_EXERCISE and current is None:
        return f"an update of {target!r:.45}, which is not in the plan"
    exercise = None
    if exercise_id is not None:
        # What the change leaves out: the plan's prescription for an update or a replacement.
        base = _DEFAULT if current is None else current.prescription
        exercise = _prescription(change).applied_to(PlannedExercise(exercise_id, exercise_id, *base))
        if kind is SuggestionKind.UPDATE_EXERCISE and current is not None:
            exercise = current.prescribed_as(exercise)
    return Suggestion(
        suggestion_id=new_id(),
        kind=kind,
        exercise=exercise,
        replaces=target,
        order=tuple(change.order),
        against=facts.plan,
        reason=change.reason.strip()[:MAX_NOTE],
    )


_DEFAULT = (3, 10, 0.0, 90)
"""An addition's sets, reps, weight and rest when the model gives none."""


def _prescription(change: ProposedChange) -> ExerciseChanges:
    """What the change gives of sets, reps, weight and rest (None: left as it is)."""
    return ExerciseChanges(
        sets=change.sets, reps=change.reps, weight_kg=change.weight_kg, rest_seconds=change.rest_seconds
    )
