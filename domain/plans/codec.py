"""The WorkoutPlan event codec: the explicit map of plan event types and how to read each one.

`encode(event) -> (type, schema_version, data)`; `decode(type, schema_version, data)` upcasts first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.event_codec import EventCodec, EventType
from domain.plans.events import (
    ExerciseAdded,
    ExerciseRemoved,
    ExercisesReordered,
    ExerciseUpdated,
    PlanEvent,
    WorkoutPlanArchived,
    WorkoutPlanCreated,
    WorkoutPlanRenamed,
    WorkoutPlanReverted,
    WorkoutVersionCreated,
)
from domain.plans.upcasters import UPCASTERS
from domain.plans.values import Difficulty, PlannedExercise
from domain.upcasting import EventData


def read_exercise(data: Mapping[str, Any]) -> PlannedExercise:
    return PlannedExercise(
        exercise_id=str(data["exercise_id"]),
        name=str(data["name"]),
        sets=int(data["sets"]),
        reps=int(data["reps"]),
        weight_kg=float(data["weight_kg"]),
        rest_seconds=int(data["rest_seconds"]),
        tempo=None if data["tempo"] is None else str(data["tempo"]),
        notes=str(data["notes"]),
        alternatives=tuple(str(alternative) for alternative in data["alternatives"]),
    )


def _exercises(data: Mapping[str, Any]) -> tuple[PlannedExercise, ...]:
    return tuple(read_exercise(exercise) for exercise in data["exercises"])


@lru_cache(maxsize=4096)
def _parsed_uuid(text: str) -> UUID:
    return UUID(text)


def _plan_id(d: Mapping[str, Any]) -> UUID:
    # A stream's events all name the same plan: parse each id once (UUID() is slow in a long fold).
    return _parsed_uuid(d["plan_id"])


def _at(d: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(d["at"])


def _plan_created(d: EventData) -> WorkoutPlanCreated:
    return WorkoutPlanCreated(
        plan_id=_plan_id(d),
        owner_id=UUID(d["owner_id"]),
        name=str(d["name"]),
        description=str(d["description"]),
        difficulty=Difficulty(d["difficulty"]),
        duration_minutes=int(d["duration_minutes"]),
        actor=Actor(d["actor"]),
        at=_at(d),
    )


def _plan_renamed(d: EventData) -> WorkoutPlanRenamed:
    return WorkoutPlanRenamed(plan_id=_plan_id(d), name=str(d["name"]), actor=Actor(d["actor"]), at=_at(d))


def _exercise_added(d: EventData) -> ExerciseAdded:
    return ExerciseAdded(
        plan_id=_plan_id(d), exercise=read_exercise(d["exercise"]), actor=Actor(d["actor"]), at=_at(d)
    )


def _exercise_updated(d: EventData) -> ExerciseUpdated:
    return ExerciseUpdated(
        plan_id=_plan_id(d),
        exercise=read_exercise(d["exercise"]),
        changed_fields=tuple(str(name) for name in d["changed_fields"]),
        actor=Actor(d["actor"]),
        at=_at(d),
    )


def _exercise_removed(d: EventData) -> ExerciseRemoved:
    return ExerciseRemoved(
        plan_id=_plan_id(d), exercise_id=str(d["exercise_id"]), actor=Actor(d["actor"]), at=_at(d)
    )


def _exercises_reordered(d: EventData) -> ExercisesReordered:
    return ExercisesReordered(
        plan_id=_plan_id(d),
        exercise_ids=tuple(str(exercise_id) for exercise_id in d["exercise_ids"]),
        actor=Actor(d["actor"]),
        at=_at(d),
    )


def _version_created(d: EventData) -> WorkoutVersionCreated:
    return WorkoutVersionCreated(
        plan_id=_plan_id(d),
        version_number=int(d["version_number"]),
        parent_version=None if d["parent_version"] is None else int(d["parent_version"]),
        exercises=_exercises(d),
        change_description=str(d["change_description"]),
        actor=Actor(d["actor"]),
        at=_at(d),
    )


def _plan_reverted(d: EventData) -> WorkoutPlanReverted:
    return WorkoutPlanReverted(
        plan_id=_plan_id(d),
        to_version=int(d["to_version"]),
        exercises=_exercises(d),
        actor=Actor(d["actor"]),
        at=_at(d),
    )


def _plan_archived(d: EventData) -> WorkoutPlanArchived:
    return WorkoutPlanArchived(plan_id=_plan_id(d), actor=Actor(d["actor"]), at=_at(d))


PLAN_EVENT_TYPES: dict[str, EventType[PlanEvent]] = {
    WorkoutPlanCreated.type: EventType(WorkoutPlanCreated.schema_version, _plan_created),
    WorkoutPlanRenamed.type: EventType(WorkoutPlanRenamed.schema_version, _plan_renamed),
    ExerciseAdded.type: EventType(ExerciseAdded.schema_version, _exercise_added),
    ExerciseUpdated.type: EventType(ExerciseUpdated.schema_version, _exercise_updated),
    ExerciseRemoved.type: EventType(ExerciseRemoved.schema_version, _exercise_removed),
    ExercisesReordered.type: EventType(ExercisesReordered.schema_version, _exercises_reordered),
    WorkoutVersionCreated.type: EventType(WorkoutVersionCreated.schema_version, _version_created),
    WorkoutPlanReverted.type: EventType(WorkoutPlanReverted.schema_version, _plan_reverted),
    WorkoutPlanArchived.type: EventType(WorkoutPlanArchived.schema_version, _plan_archived),
}

PLAN_CODEC: EventCodec[PlanEvent] = EventCodec(PLAN_EVENT_TYPES, UPCASTERS)


def encode(event: PlanEvent) -> tuple[str, int, EventData]:
    return PLAN_CODEC.encode(event)


def decode(event_type: str, schema_version: int, data: Mapping[str, Any]) -> PlanEvent:
    return PLAN_CODEC.decode(event_type, schema_version, data)
