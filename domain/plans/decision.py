"""`decide`: what a command on a WorkoutPlan means, as events, or a DomainError. Pure: no clock, no ids."""

from __future__ import annotations

from dataclasses import fields
from typing import assert_never
from uuid import UUID

from domain import validation as common
from domain.plans import validation
from domain.plans.commands import (
    AddExercise,
    ArchiveWorkoutPlan,
    CreatePlanVersion,
    CreateWorkoutPlan,
    PlanCommand,
    RemoveExercise,
    RenameWorkoutPlan,
    ReorderExercises,
    RevertPlanToVersion,
    UpdateExercise,
)
from domain.plans.errors import (
    DuplicateExercise,
    ExerciseNotFound,
    InvalidOrder,
    PlanAlreadyExists,
    PlanArchived,
    PlanNotFound,
    TooManyExercises,
    VersionNotFound,
)
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
from domain.plans.plan import Plan
from domain.plans.values import PlannedExercise


def decide(command: PlanCommand, state: Plan | None) -> list[PlanEvent]:
    """The events `command` produces on `state`; [] when it changes nothing. Raises DomainError if invalid."""
    common.moment("at", command.at)
    if isinstance(command, CreateWorkoutPlan):
        return _create(command, state)
    plan = _changeable(command.plan_id, state)
    match command:
        case RenameWorkoutPlan():
            name = common.name("name", command.name, validation.MAX_PLAN_NAME)
            if name == plan.name:
                return []
            return [WorkoutPlanRenamed(plan_id=plan.plan_id, name=name, actor=command.actor, at=command.at)]
        case AddExercise():
            return _add(command, plan)
        case UpdateExercise():
            return _update(command, plan)
        case RemoveExercise():
            if plan.find_exercise(command.exercise_id) is None:
                raise ExerciseNotFound(command.exercise_id)
            return [
                ExerciseRemoved(
                    plan_id=plan.plan_id, exercise_id=command.exercise_id, actor=command.actor, at=command.at
                )
            ]
        case ReorderExercises():
            return _reorder(command, plan)
        case CreatePlanVersion():
            description = common.name(
                "change_description", command.change_description, validation.MAX_CHANGE_DESCRIPTION
            )
            return [_version(plan, plan.exercises, description, command)]
        case RevertPlanToVersion():
            target = plan.find_version(command.version_number)
            if target is None:
                raise VersionNotFound(command.version_number)
            reverted = WorkoutPlanReverted(
                plan_id=plan.plan_id,
                to_version=target.number,
                exercises=target.exercises,
                actor=command.actor,
                at=command.at,
            )
            return [
                reverted,
                _version(plan, target.exercises, f"Reverted to version {target.number}", command),
            ]
        case ArchiveWorkoutPlan():
            return [WorkoutPlanArchived(plan_id=plan.plan_id, actor=command.actor, at=command.at)]
        case _:
            assert_never(command)


def _changeable(plan_id: UUID, state: Plan | None) -> Plan:
    if state is None:
        raise PlanNotFound(plan_id)
    if state.archived:
        raise PlanArchived(plan_id)
    return state


def _create(command: CreateWorkoutPlan, state: Plan | None) -> list[PlanEvent]:
    if state is not None:
        raise PlanAlreadyExists(command.plan_id)
    return [
        WorkoutPlanCreated(
            plan_id=command.plan_id,
            owner_id=command.owner_id,
            name=common.name("name", command.name, validation.MAX_PLAN_NAME),
            description=common.text("description", command.description.strip(), validation.MAX_DESCRIPTION),
            difficulty=validation.difficulty("difficulty", command.difficulty),
            duration_minutes=validation.integer(
                "duration_minutes", command.duration_minutes, validation.DURATION_MINUTES
            ),
            actor=command.actor,
            at=command.at,
        )
    ]


def _add(command: AddExercise, plan: Plan) -> list[PlanEvent]:
    exercise = validation.exercise(command.exercise)
    if len(plan.exercises) >= validation.MAX_EXERCISES:
        raise TooManyExercises(validation.MAX_EXERCISES)
    if exercise.exercise_id in plan.exercise_ids:
        raise DuplicateExercise(exercise.exercise_id)
    return [ExerciseAdded(plan_id=plan.plan_id, exercise=exercise, actor=command.actor, at=command.at)]


def _update(command: UpdateExercise, plan: Plan) -> list[PlanEvent]:
    current = plan.find_exercise(command.exercise_id)
    if current is None:
        raise ExerciseNotFound(command.exercise_id)
    updated = validation.exercise(command.changes.applied_to(current), prefix="changes")
    if updated.exercise_id != current.exercise_id:
        return _swap(command, plan, updated)
    changed = tuple(
        f.name for f in fields(PlannedExercise) if getattr(updated, f.name) != getattr(current, f.name)
    )
    if not changed:
        return []
    return [
        ExerciseUpdated(
            plan_id=plan.plan_id, exercise=updated, changed_fields=changed, actor=command.actor, at=command.at
        )
    ]


def _swap(command: UpdateExercise, plan: Plan, replacement: PlannedExercise) -> list[PlanEvent]:
    """Another exercise in the place of `command.exercise_id`, as the events the plan already knows."""
    if replacement.exercise_id in plan.exercise_ids:
        raise DuplicateExercise(replacement.exercise_id)
    order = tuple(
        replacement.exercise_id if exercise_id == command.exercise_id else exercise_id
        for exercise_id in plan.exercise_ids
    )
    events: list[PlanEvent] = [
        ExerciseRemoved(
            plan_id=plan.plan_id, exercise_id=command.exercise_id, actor=command.actor, at=command.at
        ),
        ExerciseAdded(plan_id=plan.plan_id, exercise=replacement, actor=command.actor, at=command.at),
    ]
    if order[-1] != replacement.exercise_id:  # an addition goes last: put it back in the old place
        events.append(
            ExercisesReordered(plan_id=plan.plan_id, exercise_ids=order, actor=command.actor, at=command.at)
        )
    return events


def _reorder(command: ReorderExercises, plan: Plan) -> list[PlanEvent]:
    order = tuple(command.exercise_ids)
    if len(set(order)) != len(order):
        raise InvalidOrder("the new order lists an exercise more than once")
    if set(order) != set(plan.exercise_ids):
        raise InvalidOrder("the new order must list exactly the plan's current exercises")
    if order == plan.exercise_ids:
        return []
    return [ExercisesReordered(plan_id=plan.plan_id, exercise_ids=order, actor=command.actor, at=command.at)]


def _version(
    plan: Plan,
    exercises: tuple[PlannedExercise, ...],
    description: str,
    command: CreatePlanVersion | RevertPlanToVersion,
) -> WorkoutVersionCreated:
    latest = plan.latest_version
    return WorkoutVersionCreated(
        plan_id=plan.plan_id,
        version_number=(latest or 0) + 1,
        parent_version=latest,
        exercises=exercises,
        change_description=description,
        actor=command.actor,
        at=command.at,
    )
