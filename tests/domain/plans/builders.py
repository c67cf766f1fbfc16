"""Event and command builders for WorkoutPlan tests: one plan, one owner and a fixed clock, so that
specs read as: given these events, when this command, then these events (or this error)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

from domain.actor import Actor
from domain.plans import Plan, fold
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
from domain.plans.events import (
    ExerciseAdded,
    PlanEvent,
    WorkoutPlanArchived,
    WorkoutPlanCreated,
    WorkoutVersionCreated,
)
from domain.plans.values import Difficulty, PlannedExercise

PLAN_ID = UUID("6f1f6d4e-7f43-4c55-9a51-6b7c0e3a2d10")
OWNER_ID = UUID("0b8a2c1e-3d4f-4a5b-8c6d-7e8f9a0b1c2d")
T0 = datetime(2025, 3, 3, 7, 30, tzinfo=UTC)


def at(minutes: int = 0) -> datetime:
    return T0 + timedelta(minutes=minutes)


def given(*events: PlanEvent) -> Plan | None:
    return fold(events)


def exercise(exercise_id: str = "Barbell_Squat", **overrides: object) -> PlannedExercise:
    base = PlannedExercise(exercise_id, exercise_id.replace("_", " "), 5, 5, 100.0, 180, "2-0-2-0", "", ())
    return replace(base, **overrides)  # type: ignore[arg-type]


# -- events -------------------------------------------------------------------------------------


def created(name: str = "Leg day", actor: Actor = Actor.USER) -> WorkoutPlanCreated:
    return WorkoutPlanCreated(
        plan_id=PLAN_ID,
        owner_id=OWNER_ID,
        name=name,
        description="Squats and friends",
        difficulty=Difficulty.INTERMEDIATE,
        duration_minutes=60,
        actor=actor,
        at=at(0),
    )


def added(item: str | PlannedExercise, minute: int = 1) -> ExerciseAdded:
    planned = exercise(item) if isinstance(item, str) else item
    return ExerciseAdded(plan_id=PLAN_ID, exercise=planned, actor=Actor.USER, at=at(minute))


def versioned(number: int, *exercise_ids: str, description: str = "snapshot") -> WorkoutVersionCreated:
    return WorkoutVersionCreated(
        plan_id=PLAN_ID,
        version_number=number,
        parent_version=number - 1 if number > 1 else None,
        exercises=tuple(exercise(exercise_id) for exercise_id in exercise_ids),
        change_description=description,
        actor=Actor.USER,
        at=at(10 + number),
    )


def archived() -> WorkoutPlanArchived:
    return WorkoutPlanArchived(plan_id=PLAN_ID, actor=Actor.USER, at=at(30))


# -- commands -----------------------------------------------------------------------------------

WHEN = at(60)


def create_plan(**overrides: object) -> CreateWorkoutPlan:
    base = CreateWorkoutPlan(
        plan_id=PLAN_ID,
        owner_id=OWNER_ID,
        name="Leg day",
        description="Squats and friends",
        difficulty=Difficulty.INTERMEDIATE,
        duration_minutes=60,
        actor=Actor.USER,
        at=WHEN,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def rename(name: str, actor: Actor = Actor.USER) -> RenameWorkoutPlan:
    return RenameWorkoutPlan(plan_id=PLAN_ID, name=name, actor=actor, at=WHEN)


def add_exercise(item: str | PlannedExercise, actor: Actor = Actor.USER) -> AddExercise:
    planned = exercise(item) if isinstance(item, str) else item
    return AddExercise(plan_id=PLAN_ID, exercise=planned, actor=actor, at=WHEN)


def update_exercise(exercise_id: str, actor: Actor = Actor.USER, **changes: object) -> UpdateExercise:
    return UpdateExercise(
        plan_id=PLAN_ID,
        exercise_id=exercise_id,
        changes=ExerciseChanges(**changes),  # type: ignore[arg-type]
        actor=actor,
        at=WHEN,
    )


def remove_exercise(exercise_id: str) -> RemoveExercise:
    return RemoveExercise(plan_id=PLAN_ID, exercise_id=exercise_id, actor=Actor.USER, at=WHEN)


def reorder(*exercise_ids: str) -> ReorderExercises:
    return ReorderExercises(plan_id=PLAN_ID, exercise_ids=exercise_ids, actor=Actor.USER, at=WHEN)


def create_version(description: str = "Week 1", actor: Actor = Actor.USER) -> CreatePlanVersion:
    return CreatePlanVersion(plan_id=PLAN_ID, change_description=description, actor=actor, at=WHEN)


def revert(version_number: int, actor: Actor = Actor.USER) -> RevertPlanToVersion:
    return RevertPlanToVersion(plan_id=PLAN_ID, version_number=version_number, actor=actor, at=WHEN)


def archive(actor: Actor = Actor.USER) -> ArchiveWorkoutPlan:
    return ArchiveWorkoutPlan(plan_id=PLAN_ID, actor=actor, at=WHEN)
