"""Events of the WorkoutPlan aggregate: facts, past tense, each with a stable `type` and `schema_version`.

Changing a stored shape means bumping `schema_version` and adding an upcaster in `domain.plans.upcasters`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from domain.actor import Actor
from domain.plans.values import Difficulty, PlannedExercise


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkoutPlanCreated:
    type: ClassVar[str] = "WorkoutPlanCreated"
    schema_version: ClassVar[int] = 1
    plan_id: UUID
    owner_id: UUID
    name: str
    description: str
    difficulty: Difficulty
    duration_minutes: int
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkoutPlanRenamed:
    type: ClassVar[str] = "WorkoutPlanRenamed"
    schema_version: ClassVar[int] = 1
    plan_id: UUID
    name: str
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseAdded:
    type: ClassVar[str] = "ExerciseAdded"
    schema_version: ClassVar[int] = 2
    plan_id: UUID
    exercise: PlannedExercise
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseUpdated:
    type: ClassVar[str] = "ExerciseUpdated"
    schema_version: ClassVar[int] = 1
    plan_id: UUID
    exercise: PlannedExercise
    """The exercise as it is after the update."""
    changed_fields: tuple[str, ...]
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseRemoved:
    type: ClassVar[str] = "ExerciseRemoved"
    schema_version: ClassVar[int] = 1
    plan_id: UUID
    exercise_id: str
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ExercisesReordered:
    type: ClassVar[str] = "ExercisesReordered"
    schema_version: ClassVar[int] = 1
    plan_id: UUID
    exercise_ids: tuple[str, ...]
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkoutVersionCreated:
    type: ClassVar[str] = "WorkoutVersionCreated"
    schema_version: ClassVar[int] = 1
    plan_id: UUID
    version_number: int
    parent_version: int | None
    exercises: tuple[PlannedExercise, ...]
    change_description: str
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkoutPlanReverted:
    type: ClassVar[str] = "WorkoutPlanReverted"
    schema_version: ClassVar[int] = 1
    plan_id: UUID
    to_version: int
    exercises: tuple[PlannedExercise, ...]
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkoutPlanArchived:
    type: ClassVar[str] = "WorkoutPlanArchived"
    schema_version: ClassVar[int] = 1
    plan_id: UUID
    actor: Actor
    at: datetime


PlanEvent = (
    WorkoutPlanCreated
    | WorkoutPlanRenamed
    | ExerciseAdded
    | ExerciseUpdated
    | ExerciseRemoved
    | ExercisesReordered
    | WorkoutVersionCreated
    | WorkoutPlanReverted
    | WorkoutPlanArchived
)
