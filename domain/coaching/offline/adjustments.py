"""Making the plan easier or harder, as the offline coach does it: one update per exercise, by fixed and
cautious rules (one set fewer or more, else two reps; never the weight, which the user knows better).

What is built here are `Suggestion`s without the plan version; the reply's suggestions are shaped and
checked after the model (`application.coaching.proposals`), as a model's are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from uuid import UUID

from domain.coaching.offline.topics import Request
from domain.coaching.values import Suggestion, SuggestionKind
from domain.plans.values import PlannedExercise

EASIEST = (2, 5)
"""Sets and reps an easier prescription goes no lower than."""
HARDEST = (5, 15)
"""Sets and reps a harder prescription goes no higher than."""
REP_STEP = 2


def adjusted(exercise: PlannedExercise, request: Request) -> tuple[PlannedExercise, str] | None:
    """The exercise one step easier or harder, and why in a few words; None at the rules' limit."""
    if request is Request.EASIER:
        fewest_sets, fewest_reps = EASIEST
        if exercise.sets > fewest_sets:
            return replace(exercise, sets=exercise.sets - 1), "one set fewer, same reps and weight"
        if exercise.reps > fewest_reps:
            reps = max(fewest_reps, exercise.reps - REP_STEP)
            return replace(exercise, reps=reps), f"{_reps(exercise.reps - reps)} fewer a set"
        return None
    most_sets, most_reps = HARDEST
    if exercise.sets < most_sets:
        return replace(exercise, sets=exercise.sets + 1), "one set more, same reps and weight"
    if exercise.reps < most_reps:
        reps = min(most_reps, exercise.reps + REP_STEP)
        return replace(exercise, reps=reps), f"{_reps(reps - exercise.reps)} more a set"
    return None


def _reps(count: int) -> str:
    return f"{count} rep" if count == 1 else f"{count} reps"


def adjustments(
    exercises: Sequence[PlannedExercise], request: Request, suggestion_ids: Sequence[UUID]
) -> tuple[Suggestion, ...]:
    """An update for each exercise a step remains for, in the plan's order."""
    found: list[Suggestion] = []
    for exercise, suggestion_id in zip(exercises, suggestion_ids, strict=False):
        step = adjusted(exercise, request)
        if step is not None:
            updated, reason = step
            found.append(
                Suggestion(
                    suggestion_id=suggestion_id,
                    kind=SuggestionKind.UPDATE_EXERCISE,
                    exercise=updated,
                    replaces=exercise.exercise_id,
                    reason=reason,
                )
            )
    return tuple(found)
