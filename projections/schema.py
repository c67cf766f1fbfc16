"""Explicit, idempotent migration of the projections' schemas: the checkpoints and each read model.

Run from `fitcoach migrate` (after the event store's). A read model whose tables change ships the new
DDL and is rebuilt (`fitcoach projections rebuild NAME`): the rebuild creates the new shape in a fresh
schema and swaps it in.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg import sql

from projections import checkpoints
from projections.projection import Projection
from projections.registry import PROJECTIONS

_MIGRATION_LOCK_KEY = 7_461_029_318_447_202


async def migrate(conninfo: str, projections: Sequence[Projection] = PROJECTIONS) -> None:
    """Create the `projections` schema, each projection's tables and checkpoint; safe to repeat."""
    async with (
        await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn,
        conn.transaction(),
    ):
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK_KEY,))
        await conn.execute("CREATE SCHEMA IF NOT EXISTS projections")
        await conn.execute(checkpoints.CREATE_TABLE)
        await conn.execute(checkpoints.ADD_INVALIDATIONS)
        for projection in projections:
            await conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(projection.schema))
            )
            await conn.execute(projection.create_tables(projection.schema).encode())
            await checkpoints.ensure(conn, projection.name)
