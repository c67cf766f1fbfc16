"""Fresh copies of projections' tables in schemas of their own, and one pass over the log filling several.

A rebuild creates its shadow schema with `create_fresh_schema`; `audit verify` creates scratch schemas
the same way (unlogged: they never outlive the transaction that made them) and fills them all in one
read of the log through `BoundedReplays`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from psycopg import sql

from application.eventstore import RecordedEvent
from projections.projection import Connection, Projection, Replay


async def create_fresh_schema(
    conn: Connection, projection: Projection, schema: str, *, unlogged: bool = False
) -> None:
    """Schema `schema` (dropped first if it exists) holding empty copies of the projection's tables.

    `unlogged`: the tables skip the write-ahead log, for copies that are thrown away.
    """
    name = sql.Identifier(schema)
    await conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(name))
    await conn.execute(sql.SQL("CREATE SCHEMA {}").format(name))
    await conn.execute(projection.create_tables(schema).encode())
    if unlogged:
        for table in await tables_in(conn, schema):
            await conn.execute(sql.SQL("ALTER TABLE {}.{} SET UNLOGGED").format(name, sql.Identifier(table)))


async def tables_in(conn: Connection, schema: str) -> list[str]:
    cursor = await conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (schema,)
    )
    return [row[0] for row in await cursor.fetchall()]


@dataclass(frozen=True, slots=True)
class Bounded:
    replay: Replay
    until: int
    """The last position this replay gets; later events are not its to see."""


class BoundedReplays:
    """A `Replay` feeding several projections' replays from one read of the log, each up to its bound."""

    def __init__(self, parts: Sequence[Bounded]) -> None:
        self._parts = tuple(parts)

    async def feed(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        for part in self._parts:
            if events[0].position > part.until:
                continue
            if events[-1].position > part.until:
                events_of_part: Sequence[RecordedEvent] = [e for e in events if e.position <= part.until]
            else:
                events_of_part = events
            await part.replay.feed(conn, events_of_part)

    @property
    def wants_flush(self) -> bool:
        return any(part.replay.wants_flush for part in self._parts)

    async def flush(self, conn: Connection) -> None:
        for part in self._parts:
            await part.replay.flush(conn)
