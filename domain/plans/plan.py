"""The WorkoutPlan state and how events change it (`evolve`, `fold`).

Decisions live in `domain.plans.decision`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain.actor import Actor
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
from domain.plans.values import Difficulty, PlannedExercise


@dataclass(frozen=True, slots=True)
class PlanVersion:
    number: int
    parent: int | None
    exercises: tuple[PlannedExercise, ...]
    change_description: str
    changed_by: Actor
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Plan:
    plan_id: UUID
    owner_id: UUID
    name: str
    description: str
    difficulty: Difficulty
    duration_minutes: int
    exercises: tuple[PlannedExercise, ...]
    versions: tuple[PlanVersion, ...]
    archived: bool
    created_by: Actor
    created_at: datetime
    updated_at: datetime

    @property
    def exercise_ids(self) -> tuple[str, ...]:
        return tuple(exercise.exercise_id for exercise in self.exercises)

    @property
    def latest_version(self) -> int | None:
        return self.versions[-1].number if self.versions else None

    def find_exercise(self, exercise_id: str) -> PlannedExercise | None:
        return next((e for e in self.exercises if e.exercise_id == exercise_id), None)

    def find_version(self, number: int) -> PlanVersion | None:
        return next((v for v in self.versions if v.number == number), None)


def evolve(state: Plan | None, event: PlanEvent) -> Plan | None:
    """Apply one event. Total: an event that does not apply to `state` leaves it unchanged."""
    if state is None:
        return _created(event) if isinstance(event, WorkoutPlanCreated) else None
    if event.plan_id != state.plan_id or state.archived:
        return state
    changed = _apply(state, event)
    return state if changed is None else changed


def fold(events: Iterable[PlanEvent], state: Plan | None = None) -> Plan | None:
    for event in events:
        state = evolve(state, event)
    return state


def _created(event: WorkoutPlanCreated) -> Plan:
    return Plan(
        plan_id=event.plan_id,
        owner_id=event.owner_id,
        name=event.name,
        description=event.description,
        difficulty=event.difficulty,
        duration_minutes=event.duration_minutes,
        exercises=(),
        versions=(),
        archived=False,
        created_by=event.actor,
        created_at=event.at,
        updated_at=event.at,
    )


def _apply(state: Plan, event: PlanEvent) -> Plan | None:
    """The changed state (stamped with the event's time), or None when the event does not apply."""
    match event:
        case WorkoutPlanCreated():
            return None
        case WorkoutPlanRenamed(name=name):
            return replace(state, updated_at=event.at, name=name)
        case ExerciseAdded(exercise=exercise):
            if exercise.exercise_id in state.exercise_ids:
                return None
            return replace(state, updated_at=event.at, exercises=(*state.exercises, exercise))
        case ExerciseUpdated(exercise=updated):
            if updated.exercise_id not in state.exercise_ids:
                return None
            return replace(
                state,
                updated_at=event.at,
                exercises=tuple(
                    updated if e.exercise_id == updated.exercise_id else e for e in state.exercises
                ),
            )
        case ExerciseRemoved(exercise_id=exercise_id):
            if exercise_id not in state.exercise_ids:
                return None
            return replace(
                state,
                updated_at=event.at,
                exercises=tuple(e for e in state.exercises if e.exercise_id != exercise_id),
            )
        case ExercisesReordered(exercise_ids=order):
            if sorted(order) != sorted(state.exercise_ids):
                return None
            by_id = {e.exercise_id: e for e in state.exercises}
            return replace(
                state, updated_at=event.at, exercises=tuple(by_id[exercise_id] for exercise_id in order)
            )
        case WorkoutVersionCreated():
            if event.version_number != (state.latest_version or 0) + 1:
                return None
            version = PlanVersion(
                number=event.version_number,
                parent=event.parent_version,
                exercises=event.exercises,
                change_description=event.change_description,
                changed_by=event.actor,
                created_at=event.at,
            )
            return replace(state, updated_at=event.at, versions=(*state.versions, version))
        case WorkoutPlanReverted(exercises=exercises):
            return replace(state, updated_at=event.at, exercises=exercises)
        case WorkoutPlanArchived():
            return replace(state, updated_at=event.at, archived=True)
