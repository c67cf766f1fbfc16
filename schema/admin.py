"""Operator mutations, for the `admin` role only: anyone else gets FORBIDDEN."""

from __future__ import annotations

import strawberry

from application.user_reads import user_view_of
from domain.actor import Actor
from domain.errors import DomainError
from domain.users.values import Role as DomainRole
from schema.accounts.inputs import UserPayload
from schema.accounts.types import Role, User
from schema.context import Info
from schema.errors import Forbidden, UserError, user_error_of
from schema.ids import parse_global_id


@strawberry.input
class SetUserRoleInput:
    user_id: strawberry.ID
    role: Role


@strawberry.input
class ForgetUserInput:
    user_id: strawberry.ID


@strawberry.type(description="A forgotten user: what `forgetUser` did.")
class ForgottenUser:
    user_id: strawberry.ID
    key_deleted: bool = strawberry.field(
        description="False when the key was already gone: a forget run again finishes what it had begun."
    )
    already_forgotten: bool
    sessions_revoked: int
    coaching_sessions_ended: int
    chat_feeds_deleted: int


@strawberry.type
class ForgetUserPayload:
    forgotten: ForgottenUser | None
    user_errors: list[UserError]


@strawberry.type
class AdminMutations:
    @strawberry.mutation(description="Make a user an admin, or a user again. Admins only.")
    async def set_user_role(self, info: Info, input: SetUserRoleInput) -> UserPayload:
        viewer = info.context.require_viewer()
        if not viewer.is_admin:
            raise Forbidden("only admins may change roles")
        _, user_id = parse_global_id(input.user_id, expect="User", field="input.userId")
        try:
            updated = await info.context.services.accounts.set_role(user_id, DomainRole(input.role.value))
        except DomainError as error:
            return UserPayload(user=None, user_errors=[user_error_of(error)])
        return UserPayload(user=User.of(user_view_of(updated.user, updated.stream_version)), user_errors=[])

    @strawberry.mutation(
        description=(
            "Forget a user (GDPR erasure): their data key is deleted, so every personal field of theirs in"
            " the log reads as erased; their read-model rows and texts are erased, their sessions end and"
            " they can no longer sign in. Cannot be undone. Admins only."
        )
    )
    async def forget_user(self, info: Info, input: ForgetUserInput) -> ForgetUserPayload:
        viewer = info.context.require_viewer()
        if not viewer.is_admin:
            raise Forbidden("only admins may forget users")
        _, user_id = parse_global_id(input.user_id, expect="User", field="input.userId")
        try:
            done = await info.context.services.erasure.forget(user_id, actor=Actor.USER, by=viewer.user_id)
        except DomainError as error:
            return ForgetUserPayload(forgotten=None, user_errors=[user_error_of(error)])
        forgotten = ForgottenUser(
            user_id=input.user_id,
            key_deleted=done.key_deleted,
            already_forgotten=done.already_forgotten,
            sessions_revoked=done.sessions_revoked,
            coaching_sessions_ended=done.coaching_sessions_ended,
            chat_feeds_deleted=done.chat_feeds_deleted,
        )
        return ForgetUserPayload(forgotten=forgotten, user_errors=[])
