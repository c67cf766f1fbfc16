"""`PostgresUserReadModel`: queries of the `auth.users` read model, filled by the `users` projection.

Any number of users comes from one statement (`id = ANY(...)`), so a request's dataloader batch costs
one round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any
from uuid import UUID

from adapters.postgres.read_pool import PooledReads
from application.user_reads import UserView

_COLUMNS = (
    "id", "email", "display_name", "date_of_birth", "gender", "height_cm", "weight_kg", "fitness_level",
    "preferences", "goals", "injuries", "available_equipment", "identity_providers",
    "role", "version", "created_at", "updated_at", "last_position",
)  # fmt: skip
_LISTS = ("goals", "injuries", "available_equipment", "identity_providers")
_USERS = f"SELECT {', '.join(_COLUMNS)} FROM auth.users WHERE id = ANY(%(ids)s)"


class PostgresUserReadModel(PooledReads):
    async def user(self, user_id: UUID) -> UserView | None:
        return (await self.users([user_id])).get(user_id)

    async def users(self, user_ids: Sequence[UUID]) -> dict[UUID, UserView]:
        if not user_ids:
            return {}
        rows = await self._fetch(_USERS, {"ids": list(set(user_ids))}, ("users", "auth.users"))
        return {view.id: view for view in map(_user_view, rows)}


def _user_view(row: tuple[Any, ...]) -> UserView:
    fields = dict(zip(_COLUMNS, row, strict=True))
    fields["preferences"] = MappingProxyType(fields["preferences"])
    fields.update({name: tuple(fields[name]) for name in _LISTS})
    return UserView(**fields)
