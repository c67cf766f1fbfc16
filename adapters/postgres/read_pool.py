"""What the PostgreSQL read-model adapters share: a pool (their own, or the API's shared reads pool), one
timed query per call, and psycopg errors translated into the read side's own at this boundary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.metrics import Operation, Table, timed
from adapters.postgres.pool import open_pool
from application.plan_reads import ReadError, ReadModelUnavailable


class PooledReads:
    def __init__(self, pool: AsyncConnectionPool, *, owns_pool: bool = False) -> None:
        self._pool = pool
        self._owns_pool = owns_pool

    @classmethod
    async def connect(cls, conninfo: str, *, min_size: int = 1, max_size: int = 10) -> Self:
        with translated_read_errors():
            pool = await open_pool(conninfo, min_size=min_size, max_size=max_size)
        return cls(pool, owns_pool=True)

    async def close(self) -> None:
        if self._owns_pool:
            await self._pool.close()

    async def _fetch(
        self, query: str, params: dict[str, Any], metric: tuple[Operation, Table]
    ) -> list[tuple[Any, ...]]:
        with translated_read_errors():
            async with self._pool.connection() as conn:
                with timed(*metric):
                    cursor = await conn.execute(query, params)
                    return await cursor.fetchall()


@contextmanager
def translated_read_errors() -> Iterator[None]:
    try:
        yield
    except (psycopg.OperationalError, psycopg.InterfaceError) as error:
        raise ReadModelUnavailable("PostgreSQL read models are unavailable") from error
    except (pg_errors.UndefinedTable, pg_errors.InvalidSchemaName) as error:
        raise ReadModelUnavailable("read model tables missing: run the projections migration") from error
    except psycopg.Error as error:
        raise ReadError(f"PostgreSQL read model error {error.sqlstate}") from error
