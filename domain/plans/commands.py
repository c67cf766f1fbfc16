"""Commands on the WorkoutPlan aggregate. Each carries who asks (`actor`) and when (`at`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain.actor import Actor
from domain.plans.values import Difficulty, PlannedExercise


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateWorkoutPlan:
    plan_id: UUID
    owner_id: UUID
    name: str
    description: str
    difficulty: Difficulty
    duration_minutes: int
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RenameWorkoutPlan:
    plan_id: UUID
    name: str
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class AddExercise:
    plan_id: UUID
    exercise: PlannedExercise
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseChanges:
    """Fields to change on an exercise; None leaves a field as it is. `tempo=""` clears the tempo.

    A new `exercise_id` swaps in another exercise at the same place, keeping the prescription (sets, reps,
    ...) unless changed too: the plan records it as the old one removed, the new one added and, unless
    it was last, the order restored."""

    exercise_id: str | None = None
    name: str | None = None
    sets: int | None = None
    reps: int | None = None
    weight_kg: float | None = None
    rest_seconds: int | None = None
    tempo: str | None = None
    notes: str | None = None
    alternatives: tuple[str, ...] | None = None

    def applied_to(self, current: PlannedExercise) -> PlannedExercise:
        """`current` with these changes (not validated)."""
        return replace(
            current,
            exercise_id=current.exercise_id if self.exercise_id is None else self.exercise_id,
            name=current.name if self.name is None else self.name,
            sets=current.sets if self.sets is None else self.sets,
            reps=current.reps if self.reps is None else self.reps,
            weight_kg=current.weight_kg if self.weight_kg is None else self.weight_kg,
            rest_seconds=current.rest_seconds if self.rest_seconds is None else self.rest_seconds,
            tempo=current.tempo if self.tempo is None else (self.tempo or None),
            notes=current.notes if self.notes is None else self.notes,
            alternatives=current.alternatives if self.alternatives is None else self.alternatives,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateExercise:
    plan_id: UUID
    exercise_id: str
    changes: ExerciseChanges
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveExercise:
    plan_id: UUID
    exercise_id: str
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ReorderExercises:
    plan_id: UUID
    exercise_ids: tuple[str, ...]
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatePlanVersion:
    plan_id: UUID
    change_description: str
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RevertPlanToVersion:
    plan_id: UUID
    version_number: int
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchiveWorkoutPlan:
    plan_id: UUID
    actor: Actor
    at: datetime


PlanCommand = (
    CreateWorkoutPlan
    | RenameWorkoutPlan
    | AddExercise
    | UpdateExercise
    | RemoveExercise
    | ReorderExercises
    | CreatePlanVersion
    | RevertPlanToVersion
    | ArchiveWorkoutPlan
)
