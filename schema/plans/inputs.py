"""Input objects of the plan mutations, each turned into a domain command (which validates it)."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID, uuid5

import strawberry

from domain.actor import Actor
from domain.plans.commands import (
    AddExercise,
    ArchiveWorkoutPlan,
    CreatePlanVersion,
    CreateWorkoutPlan,
    ExerciseChanges,
    RemoveExercise,
    RenameWorkoutPlan,
    ReorderExercises,
    RevertPlanToVersion,
    UpdateExercise,
)
from domain.plans.values import Difficulty, PlannedExercise
from schema.ids import parse_global_id

EXPECTED_VERSION = "The plan version this change is based on; a stale one gives a CONFLICT user error."
COMMAND_ID = "Chosen by the client; sending the same change again with the same id applies it once."


@strawberry.enum
class DifficultyLevel(enum.Enum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


@strawberry.input
class ExerciseInput:
    exercise_id: str = strawberry.field(
        description="A library exercise's id, e.g. Barbell_Squat; unique in a plan. An id the library does "
        "not have is an UNKNOWN_EXERCISE user error, a retired one RETIRED_EXERCISE."
    )
    name: str | None = strawberry.field(
        default=None, description="What the plan calls it; left out or blank, the library's name."
    )
    sets: int
    reps: int
    weight_kg: float = 0.0
    rest_seconds: int = 60
    tempo: str | None = None
    notes: str = ""
    alternatives: list[str] = strawberry.field(default_factory=list)

    def to_domain(self) -> PlannedExercise:
        return PlannedExercise(
            exercise_id=self.exercise_id,
            name=self.name or "",  # blank: the library's name (`PlanCommands`)
            sets=self.sets,
            reps=self.reps,
            weight_kg=self.weight_kg,
            rest_seconds=self.rest_seconds,
            tempo=self.tempo,
            notes=self.notes,
            alternatives=tuple(self.alternatives),
        )


@strawberry.input
class PlanChangeInput:
    """Fields every change of an existing plan takes."""

    plan_id: strawberry.ID
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)
    command_id: UUID | None = strawberry.field(default=None, description=COMMAND_ID)

    def plan_uuid(self) -> UUID:
        return parse_global_id(self.plan_id, expect="WorkoutPlan", field="input.planId")[1]


@strawberry.input
class CreateWorkoutPlanInput:
    name: str
    description: str = ""
    difficulty_level: DifficultyLevel = DifficultyLevel.BEGINNER
    duration_minutes: int = 45
    command_id: UUID | None = strawberry.field(default=None, description=COMMAND_ID)

    def to_command(self, owner_id: UUID, command_id: UUID, at: datetime) -> CreateWorkoutPlan:
        return CreateWorkoutPlan(
            plan_id=uuid5(command_id, "workout-plan"),  # a retried create makes the same plan
            owner_id=owner_id,
            name=self.name,
            description=self.description,
            difficulty=Difficulty(self.difficulty_level.value),
            duration_minutes=self.duration_minutes,
            actor=Actor.USER,
            at=at,
        )


@strawberry.input
class RenameWorkoutPlanInput(PlanChangeInput):
    name: str

    def to_command(self, at: datetime) -> RenameWorkoutPlan:
        return RenameWorkoutPlan(plan_id=self.plan_uuid(), name=self.name, actor=Actor.USER, at=at)


@strawberry.input
class AddExerciseInput(PlanChangeInput):
    exercise: ExerciseInput

    def to_command(self, at: datetime) -> AddExercise:
        return AddExercise(
            plan_id=self.plan_uuid(), exercise=self.exercise.to_domain(), actor=Actor.USER, at=at
        )


@strawberry.input(
    description="Fields left out stay as they are; an empty tempo clears it. With `newExerciseId`, another "
    "library exercise takes this one's place and prescription (its name is the library's unless `name` is "
    "given); the plan's version then moves by two or three (removed, added, order restored)."
)
class UpdateExerciseInput(PlanChangeInput):
    exercise_id: str = strawberry.field(description="The plan's exercise to change.")
    new_exercise_id: str | None = strawberry.field(
        default=None,
        description="A library exercise to swap in: UNKNOWN_EXERCISE or RETIRED_EXERCISE when the library "
        "does not offer it.",
    )
    name: str | None = None
    sets: int | None = None
    reps: int | None = None
    weight_kg: float | None = None
    rest_seconds: int | None = None
    tempo: str | None = None
    notes: str | None = None
    alternatives: list[str] | None = None

    def to_command(self, at: datetime) -> UpdateExercise:
        changes = ExerciseChanges(
            exercise_id=self.new_exercise_id,
            name=self.name,
            sets=self.sets,
            reps=self.reps,
            weight_kg=self.weight_kg,
            rest_seconds=self.rest_seconds,
            tempo=self.tempo,
            notes=self.notes,
            alternatives=tuple(self.alternatives) if self.alternatives is not None else None,
        )
        return UpdateExercise(
            plan_id=self.plan_uuid(), exercise_id=self.exercise_id, changes=changes, actor=Actor.USER, at=at
        )


@strawberry.input
class RemoveExerciseInput(PlanChangeInput):
    exercise_id: str

    def to_command(self, at: datetime) -> RemoveExercise:
        return RemoveExercise(plan_id=self.plan_uuid(), exercise_id=self.exercise_id, actor=Actor.USER, at=at)


@strawberry.input(description="`exerciseIds` lists every exercise of the plan once, in the new order.")
class ReorderExercisesInput(PlanChangeInput):
    exercise_ids: list[str]

    def to_command(self, at: datetime) -> ReorderExercises:
        return ReorderExercises(
            plan_id=self.plan_uuid(), exercise_ids=tuple(self.exercise_ids), actor=Actor.USER, at=at
        )


@strawberry.input
class CreatePlanVersionInput(PlanChangeInput):
    change_description: str

    def to_command(self, at: datetime) -> CreatePlanVersion:
        return CreatePlanVersion(
            plan_id=self.plan_uuid(), change_description=self.change_description, actor=Actor.USER, at=at
        )


@strawberry.input
class RevertPlanToVersionInput(PlanChangeInput):
    version_number: int

    def to_command(self, at: datetime) -> RevertPlanToVersion:
        return RevertPlanToVersion(
            plan_id=self.plan_uuid(), version_number=self.version_number, actor=Actor.USER, at=at
        )


@strawberry.input
class ArchiveWorkoutPlanInput(PlanChangeInput):
    def to_command(self, at: datetime) -> ArchiveWorkoutPlan:
        return ArchiveWorkoutPlan(plan_id=self.plan_uuid(), actor=Actor.USER, at=at)
