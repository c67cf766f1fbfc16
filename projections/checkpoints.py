"""The `projections.checkpoints` table: how far each projection got, and in what state.

`state` is one of running, stopped, failed, rebuilding. Every committed advance is announced on the
`projection_checkpoints` channel as `<name>:<position>`, from inside the transaction, so listeners
hear it exactly when it becomes visible.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from projections.projection import Connection

CHANNEL = "projection_checkpoints"
REBUILD_SUFFIX = "__rebuild"


class State(enum.StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"
    FAILED = "failed"
    REBUILDING = "rebuilding"


CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS projections.checkpoints (
    name text PRIMARY KEY,
    position bigint NOT NULL,
    state text NOT NULL CHECK (state IN ('running', 'stopped', 'failed', 'rebuilding')),
    error text,
    updated_at timestamptz NOT NULL,
    last_event_at timestamptz
);
"""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    name: str
    position: int
    state: State
    error: str | None
    updated_at: datetime
    last_event_at: datetime | None


async def ensure(conn: Connection, name: str, state: State = State.STOPPED) -> None:
    await conn.execute(
        "INSERT INTO projections.checkpoints (name, position, state, updated_at)"
        " VALUES (%s, 0, %s, now()) ON CONFLICT (name) DO NOTHING",
        (name, state.value),
    )


async def lock(conn: Connection, name: str) -> int:
    """Lock the checkpoint row for the rest of the transaction; return its position."""
    cursor = await conn.execute(
        "SELECT position FROM projections.checkpoints WHERE name = %s FOR UPDATE", (name,)
    )
    row = await cursor.fetchone()
    if row is None:
        raise LookupError(f"no checkpoint named {name!r}: run `fitcoach migrate`")
    return int(row[0])


async def advance(conn: Connection, name: str, position: int, last_event_at: datetime | None) -> None:
    """Move the (locked) checkpoint and announce it when the transaction commits."""
    await conn.execute(
        "UPDATE projections.checkpoints SET position = %s, updated_at = now(),"
        " last_event_at = coalesce(%s, last_event_at) WHERE name = %s"
        " RETURNING pg_notify(%s, name || ':' || position)",
        (position, last_event_at, name, CHANNEL),
    )


async def set_state(conn: Connection, name: str, state: State, error: str | None = None) -> None:
    await conn.execute(
        "UPDATE projections.checkpoints SET state = %s, error = %s, updated_at = now() WHERE name = %s",
        (state.value, error, name),
    )


async def read_all(conn: Connection) -> list[Checkpoint]:
    cursor = await conn.execute(
        "SELECT name, position, state, error, updated_at, last_event_at"
        " FROM projections.checkpoints ORDER BY name"
    )
    return [
        Checkpoint(name, int(position), State(state), error, updated_at, last_event_at)
        for name, position, state, error, updated_at, last_event_at in await cursor.fetchall()
    ]
