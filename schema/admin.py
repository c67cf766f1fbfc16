"""Operator mutations, for the `admin` role only: anyone else gets FORBIDDEN."""

from __future__ import annotations

import strawberry

from application.user_reads import user_view_of
from domain.errors import DomainError
from domain.users.values import Role as DomainRole
from schema.accounts.inputs import UserPayload
from schema.accounts.types import Role, User
from schema.context import Info
from schema.errors import Forbidden, user_error_of
from schema.ids import parse_global_id


@strawberry.input
class SetUserRoleInput:
    user_id: strawberry.ID
    role: Role


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
