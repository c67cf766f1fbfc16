"""Plan mutations: parse the input, dispatch the command, return the plan as written plus `userErrors`."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

import strawberry

from application.plan_commands import PlanWritten
from domain.errors import DomainError
from domain.plans.commands import PlanCommand
from schema.context import Info
from schema.errors import BadUserInput, UserError, user_error_of
from schema.metrics import WORKOUTS_CREATED
from schema.plans.inputs import (
    AddExerciseInput,
    ArchiveWorkoutPlanInput,
    CreatePlanVersionInput,
    CreateWorkoutPlanInput,
    PlanChangeInput,
    RemoveExerciseInput,
    RenameWorkoutPlanInput,
    ReorderExercisesInput,
    RevertPlanToVersionInput,
    UpdateExerciseInput,
)
from schema.plans.types import WorkoutPlan


@strawberry.type
class WorkoutPlanPayload:
    plan: WorkoutPlan | None = strawberry.field(
        description="The plan as this write left it; null on failure."
    )
    user_errors: list[UserError]


async def _dispatch(
    info: Info,
    build: Callable[[], PlanCommand],
    *,
    command_id: UUID | None,
    expected_version: int | None = None,
    on_written: Callable[[PlanWritten], None] | None = None,
) -> WorkoutPlanPayload:
    context = info.context
    viewer = context.require_viewer()
    try:
        command = build()
        written = await context.services.plan_commands.execute(
            viewer.requester, command, command_id=command_id, expected_version=expected_version
        )
    except DomainError as error:
        return WorkoutPlanPayload(plan=None, user_errors=[user_error_of(error)])
    except BadUserInput as error:
        field = str(error.extensions.get("field") or "input")
        return WorkoutPlanPayload(
            plan=None, user_errors=[UserError(field=field, message=str(error), code=error.code)]
        )
    if on_written is not None:
        on_written(written)
    return WorkoutPlanPayload(plan=WorkoutPlan.of(written.plan, written.versions), user_errors=[])


def _count_creation(written: PlanWritten) -> None:
    if not written.repeated:  # a retried commandId answers with the plan it created the first time
        WORKOUTS_CREATED.inc()


async def _change(info: Info, input: PlanChangeInput, build: Callable[[], PlanCommand]) -> WorkoutPlanPayload:
    return await _dispatch(info, build, command_id=input.command_id, expected_version=input.expected_version)


@strawberry.type
class PlanMutations:
    @strawberry.mutation
    async def create_workout_plan(self, info: Info, input: CreateWorkoutPlanInput) -> WorkoutPlanPayload:
        viewer = info.context.require_viewer()
        command_id = input.command_id or uuid4()
        return await _dispatch(
            info,
            lambda: input.to_command(viewer.user_id, command_id, info.context.now()),
            command_id=command_id,
            on_written=_count_creation,
        )

    @strawberry.mutation
    async def rename_workout_plan(self, info: Info, input: RenameWorkoutPlanInput) -> WorkoutPlanPayload:
        return await _change(info, input, lambda: input.to_command(info.context.now()))

    @strawberry.mutation
    async def add_exercise(self, info: Info, input: AddExerciseInput) -> WorkoutPlanPayload:
        return await _change(info, input, lambda: input.to_command(info.context.now()))

    @strawberry.mutation
    async def update_exercise(self, info: Info, input: UpdateExerciseInput) -> WorkoutPlanPayload:
        return await _change(info, input, lambda: input.to_command(info.context.now()))

    @strawberry.mutation
    async def remove_exercise(self, info: Info, input: RemoveExerciseInput) -> WorkoutPlanPayload:
        return await _change(info, input, lambda: input.to_command(info.context.now()))

    @strawberry.mutation
    async def reorder_exercises(self, info: Info, input: ReorderExercisesInput) -> WorkoutPlanPayload:
        return await _change(info, input, lambda: input.to_command(info.context.now()))

    @strawberry.mutation
    async def create_plan_version(self, info: Info, input: CreatePlanVersionInput) -> WorkoutPlanPayload:
        return await _change(info, input, lambda: input.to_command(info.context.now()))

    @strawberry.mutation(
        description="Bring back a saved version's exercises. The plan's version moves by two: a revert "
        "event, then a saved version of the result (named 'Reverted to version N')."
    )
    async def revert_plan_to_version(self, info: Info, input: RevertPlanToVersionInput) -> WorkoutPlanPayload:
        return await _change(info, input, lambda: input.to_command(info.context.now()))

    @strawberry.mutation
    async def archive_workout_plan(self, info: Info, input: ArchiveWorkoutPlanInput) -> WorkoutPlanPayload:
        return await _change(info, input, lambda: input.to_command(info.context.now()))
