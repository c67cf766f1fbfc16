"""What changed between two states of one workout plan, as data complete enough to apply.

`diff_plans(before, after)` names every difference: the plan's own fields, the exercises removed, added
(with the place each takes), changed field by field, and reordered, and the versions saved in between.
`apply_diff(before, diff)` gives `after` back exactly. Both states must be of the same plan, `before` no
later than `after` (its saved versions a prefix of `after`'s, as `evolve` only ever appends them).

An exercise removed and added again in between is one exercise kept: its fields and place are compared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.plans.plan import Plan, PlanVersion
from domain.plans.values import Difficulty, PlannedExercise

PlanValue = str | int | bool | Difficulty | datetime
ExerciseValue = str | int | float | tuple[str, ...] | None

PLAN_FIELDS: Mapping[str, Callable[[Plan], PlanValue]] = {
    "name": lambda plan: plan.name,
    "description": lambda plan: plan.description,
    "difficulty": lambda plan: plan.difficulty,
    "duration_minutes": lambda plan: plan.duration_minutes,
    "archived": lambda plan: plan.archived,
    "updated_at": lambda plan: plan.updated_at,
}
"""The fields of a plan that events change (its id, owner and creation never do)."""

EXERCISE_FIELDS: Mapping[str, Callable[[PlannedExercise], ExerciseValue]] = {
    "name": lambda exercise: exercise.name,
    "sets": lambda exercise: exercise.sets,
    "reps": lambda exercise: exercise.reps,
    "weight_kg": lambda exercise: exercise.weight_kg,
    "rest_seconds": lambda exercise: exercise.rest_seconds,
    "tempo": lambda exercise: exercise.tempo,
    "notes": lambda exercise: exercise.notes,
    "alternatives": lambda exercise: exercise.alternatives,
}
"""The fields of a planned exercise besides its id, which names it."""


@dataclass(frozen=True, slots=True)
class PlanFieldChange:
    field: str
    """A key of `PLAN_FIELDS`."""
    before: PlanValue
    after: PlanValue


@dataclass(frozen=True, slots=True)
class ExerciseFieldChange:
    field: str
    """A key of `EXERCISE_FIELDS`."""
    before: ExerciseValue
    after: ExerciseValue


@dataclass(frozen=True, slots=True)
class AddedExercise:
    index: int
    """Its place in the plan afterwards, from 0."""
    exercise: PlannedExercise


@dataclass(frozen=True, slots=True)
class ChangedExercise:
    exercise_id: str
    fields: tuple[ExerciseFieldChange, ...]


@dataclass(frozen=True, slots=True)
class PlanDiff:
    fields: tuple[PlanFieldChange, ...] = ()
    removed: tuple[PlannedExercise, ...] = ()
    """As they were before."""
    added: tuple[AddedExercise, ...] = ()
    """By place afterwards, first place first."""
    changed: tuple[ChangedExercise, ...] = ()
    """In their order afterwards."""
    reordered: tuple[str, ...] | None = None
    """The exercises kept throughout, in their new order; None when their order stayed."""
    versions_added: tuple[PlanVersion, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self == PlanDiff()


def diff_plans(before: Plan, after: Plan) -> PlanDiff:
    """Raises ValueError when the two are not an earlier and a later state of one plan."""
    if _identity(before) != _identity(after):
        raise ValueError("not two states of the same plan")
    if after.versions[: len(before.versions)] != before.versions:
        raise ValueError("the later state does not hold the earlier one's versions")
    fields = tuple(
        PlanFieldChange(name, read(before), read(after))
        for name, read in PLAN_FIELDS.items()
        if read(before) != read(after)
    )
    before_ids, after_ids = before.exercise_ids, after.exercise_ids
    kept_before = [exercise_id for exercise_id in before_ids if exercise_id in after_ids]
    kept_after = [exercise_id for exercise_id in after_ids if exercise_id in before_ids]
    earlier = {exercise.exercise_id: exercise for exercise in before.exercises}
    changed = []
    for exercise in after.exercises:
        old = earlier.get(exercise.exercise_id)
        if old is not None and old != exercise:
            changed.append(ChangedExercise(exercise.exercise_id, _exercise_changes(old, exercise)))
    return PlanDiff(
        fields=fields,
        removed=tuple(exercise for exercise in before.exercises if exercise.exercise_id not in after_ids),
        added=tuple(
            AddedExercise(index, exercise)
            for index, exercise in enumerate(after.exercises)
            if exercise.exercise_id not in before_ids
        ),
        changed=tuple(changed),
        reordered=tuple(kept_after) if kept_after != kept_before else None,
        versions_added=after.versions[len(before.versions) :],
    )


def apply_diff(plan: Plan, diff: PlanDiff) -> Plan:
    """The plan with `diff` applied: `apply_diff(before, diff_plans(before, after)) == after`."""
    # Keys of PLAN_FIELDS, each value of its field's type: `replace` checks the names.
    changes: dict[str, Any] = {change.field: change.after for change in diff.fields}
    removed = {exercise.exercise_id for exercise in diff.removed}
    changed = {change.exercise_id: change.fields for change in diff.changed}
    kept = [
        _with_changes(exercise, changed.get(exercise.exercise_id, ()))
        for exercise in plan.exercises
        if exercise.exercise_id not in removed
    ]
    if diff.reordered is not None:
        place = {exercise_id: index for index, exercise_id in enumerate(diff.reordered)}
        kept.sort(key=lambda exercise: place[exercise.exercise_id])
    for added in diff.added:
        kept.insert(added.index, added.exercise)
    return replace(
        plan,
        **changes,
        exercises=tuple(kept),
        versions=(*plan.versions, *diff.versions_added),
    )


def _identity(plan: Plan) -> tuple[object, ...]:
    """What no event changes."""
    return (plan.plan_id, plan.owner_id, plan.created_by, plan.created_at)


def _exercise_changes(before: PlannedExercise, after: PlannedExercise) -> tuple[ExerciseFieldChange, ...]:
    return tuple(
        ExerciseFieldChange(name, read(before), read(after))
        for name, read in EXERCISE_FIELDS.items()
        if read(before) != read(after)
    )


def _with_changes(exercise: PlannedExercise, changes: tuple[ExerciseFieldChange, ...]) -> PlannedExercise:
    if not changes:
        return exercise
    values: dict[str, Any] = {change.field: change.after for change in changes}
    return replace(exercise, **values)
