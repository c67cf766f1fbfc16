"""The library's admin mutations: parse the input, dispatch the command, return the exercise as written
plus `userErrors`. Anyone but an admin gets FORBIDDEN, as for the other admin mutations."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import strawberry

from application.library_commands import AdminsOnly
from domain.errors import DomainError
from domain.library.commands import LibraryCommand
from schema.context import Info
from schema.errors import Forbidden, UserError, user_error_of
from schema.library.inputs import DefineExerciseInput, RetireExerciseInput, ReviseExerciseInput
from schema.library.types import LibraryExercise

ADMINS_ONLY = "only admins may change the exercise library"


@strawberry.type
class LibraryExercisePayload:
    library_exercise: LibraryExercise | None = strawberry.field(
        description="The exercise as this write left it; null on failure."
    )
    user_errors: list[UserError]


async def _dispatch(
    info: Info,
    build: Callable[[], LibraryCommand],
    *,
    command_id: UUID | None,
    expected_version: int | None = None,
) -> LibraryExercisePayload:
    context = info.context
    viewer = context.require_viewer()
    if not viewer.is_admin:  # before the input is read: a user learns nothing from a validation error
        raise Forbidden(ADMINS_ONLY)
    try:
        written = await context.services.library_commands.execute(
            viewer.requester, build(), command_id=command_id, expected_version=expected_version
        )
    except AdminsOnly as refused:
        raise Forbidden(ADMINS_ONLY) from refused
    except DomainError as error:
        return LibraryExercisePayload(library_exercise=None, user_errors=[user_error_of(error)])
    return LibraryExercisePayload(library_exercise=LibraryExercise.of(written.exercise), user_errors=[])


@strawberry.type
class LibraryMutations:
    @strawberry.mutation(description="Add an exercise to the library. Admins only.")
    async def define_exercise(self, info: Info, input: DefineExerciseInput) -> LibraryExercisePayload:
        return await _dispatch(
            info, lambda: input.to_command(info.context.now()), command_id=input.command_id
        )

    @strawberry.mutation(description="Change a library exercise. Admins only.")
    async def revise_exercise(self, info: Info, input: ReviseExerciseInput) -> LibraryExercisePayload:
        return await _dispatch(
            info,
            lambda: input.to_command(info.context.now()),
            command_id=input.command_id,
            expected_version=input.expected_version,
        )

    @strawberry.mutation(description="Retire a library exercise. Admins only.")
    async def retire_exercise(self, info: Info, input: RetireExerciseInput) -> LibraryExercisePayload:
        return await _dispatch(
            info,
            lambda: input.to_command(info.context.now()),
            command_id=input.command_id,
            expected_version=input.expected_version,
        )
