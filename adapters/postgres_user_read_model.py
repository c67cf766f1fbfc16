"""`PostgresUserReadModel`: queries of the `auth.users` read model, filled by the `users` projection.

Any number of users comes from one statement (`id = ANY(...)`), so a request's dataloader batch costs
one round trip.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any
from uuid import UUID

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import AsyncConnectionPool

from adapters.postgres_metrics import timed
from adapters.postgres_pool import open_pool
from application.plan_reads import ReadError, ReadModelUnavailable
from application.user_reads import UserView

_COLUMNS = (
    "id", "email", "display_name", "date_of_birth", "gender", "height_cm", "weight_kg", "fitness_level",
    "preferences", "goals", "injuries", "available_equipment", "identity_providers",
    "role", "version", "created_at", "updated_at", "last_position",
)  # fmt: skip
_LISTS = ("goals", "injuries", "available_equipment", "identity_providers")
_USERS = f"SELECT {', '.join(_COLUMNS)} FROM auth.users WHERE id = ANY(%(ids)s)"


class PostgresUserReadModel:
    def __init__(self, pool: AsyncConnectionPool, *, owns_pool: bool = False) -> None:
        self._pool = pool
        self._owns_pool = owns_pool

    @classmethod
    async def connect(cls, conninfo: str, *, min_size: int = 1, max_size: int = 10) -> PostgresUserReadModel:
        with _translated_errors():
            pool = await open_pool(conninfo, min_size=min_size, max_size=max_size)
        return cls(pool, owns_pool=True)

    async def user(self, user_id: UUID) -> UserView | None:
        return (await self.users([user_id])).get(user_id)

    async def users(self, user_ids: Sequence[UUID]) -> dict[UUID, UserView]:
        if not user_ids:
            return {}
        with _translated_errors():
            async with self._pool.connection() as conn:
                with timed("users", "auth.users"):
                    cursor = await conn.execute(_USERS, {"ids": list(set(user_ids))})
                    rows = await cursor.fetchall()
        return {view.id: view for view in map(_user_view, rows)}

    async def close(self) -> None:
        if self._owns_pool:
            await self._pool.close()


def _user_view(row: tuple[Any, ...]) -> UserView:
    fields = dict(zip(_COLUMNS, row, strict=True))
    fields["preferences"] = MappingProxyType(fields["preferences"])
    fields.update({name: tuple(fields[name]) for name in _LISTS})
    return UserView(**fields)


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except (psycopg.OperationalError, psycopg.InterfaceError) as error:
        raise ReadModelUnavailable("PostgreSQL read models are unavailable") from error
    except (pg_errors.UndefinedTable, pg_errors.InvalidSchemaName) as error:
        raise ReadModelUnavailable("read model tables missing: run the projections migration") from error
    except psycopg.Error as error:
        raise ReadError(f"PostgreSQL read model error {error.sqlstate}") from error
