"""The `projections.checkpoints` table: how far each projection got, and in what state.

`state` is one of running, stopped, failed, rebuilding. Every committed advance is announced on the
`projection_checkpoints` channel as `<name>:<position>`, from inside the transaction, so listeners
hear it exactly when it becomes visible.

An advance also stores the cache invalidations of the batch that made it. The cache is told only after
the commit, so a projector that dies in between would leave stale entries until their TTL; whoever
takes over (or finds the checkpoint moved by a rebuild's swap) sends them again. A runner that stops
cleanly has sent them all and clears them. Invalidations are versioned, so twice changes nothing.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from application.cache import CacheKey, CacheKind, Invalidation
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
    last_event_at timestamptz,
    invalidations jsonb NOT NULL DEFAULT '[]'
);
"""
ADD_INVALIDATIONS = (
    "ALTER TABLE projections.checkpoints ADD COLUMN IF NOT EXISTS invalidations jsonb NOT NULL DEFAULT '[]'"
)
"""For a table created before the column existed."""


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


@dataclass(frozen=True, slots=True)
class Position:
    position: int
    invalidations: list[Invalidation]
    """Those of the batch that moved the checkpoint here."""


async def lock(conn: Connection, name: str) -> Position:
    """Lock the checkpoint row for the rest of the transaction; return where it stands."""
    return await _position(conn, name, " FOR UPDATE")


async def position_of(conn: Connection, name: str) -> Position:
    return await _position(conn, name, "")


async def _position(conn: Connection, name: str, locking: str) -> Position:
    cursor = await conn.execute(
        f"SELECT position, invalidations FROM projections.checkpoints WHERE name = %s{locking}", (name,)
    )
    row = await cursor.fetchone()
    if row is None:
        raise LookupError(f"no checkpoint named {name!r}: run `fitcoach migrate`")
    return Position(int(row[0]), _decode_invalidations(row[1]))


async def advance(
    conn: Connection,
    name: str,
    position: int,
    last_event_at: datetime | None,
    invalidations: Sequence[Invalidation] = (),
) -> None:
    """Move the (locked) checkpoint and announce it when the transaction commits."""
    await conn.execute(
        "UPDATE projections.checkpoints SET position = %s, updated_at = now(),"
        " last_event_at = coalesce(%s, last_event_at), invalidations = %s::jsonb WHERE name = %s"
        " RETURNING pg_notify(%s, name || ':' || position)",
        (position, last_event_at, _encode_invalidations(invalidations), name, CHANNEL),
    )


async def advance_past(
    conn: Connection, name: str, position: int, last_event_at: datetime | None
) -> Position | None:
    """Move the checkpoint up to `position` in one statement (its own transaction unless the caller is in
    one), keeping the stored invalidations; returns where it stood before, or None if already there."""
    cursor = await conn.execute(
        "WITH before AS (SELECT position, invalidations FROM projections.checkpoints"
        " WHERE name = %(name)s FOR UPDATE)"
        " UPDATE projections.checkpoints c SET position = %(position)s, updated_at = now(),"
        " last_event_at = coalesce(%(at)s, c.last_event_at) FROM before"
        " WHERE c.name = %(name)s AND before.position < %(position)s"
        " RETURNING before.position, before.invalidations,"
        " pg_notify(%(channel)s, c.name || ':' || c.position)",
        {"name": name, "position": position, "at": last_event_at, "channel": CHANNEL},
    )
    row = await cursor.fetchone()
    return None if row is None else Position(int(row[0]), _decode_invalidations(row[1]))


def _encode_invalidations(invalidations: Sequence[Invalidation]) -> str:
    return orjson.dumps(
        [[item.key.kind.name, item.key.parts, item.version] for item in invalidations]
    ).decode()


def _decode_invalidations(stored: Any) -> list[Invalidation]:
    """Entries this version cannot read (written by a newer one, say) are left out, never raised on."""
    decoded = []
    for entry in stored if isinstance(stored, list) else []:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            kind, parts, version = entry
            decoded.append(Invalidation(CacheKey(CacheKind[kind], tuple(map(str, parts))), int(version)))
    return decoded


async def record_clean_stop(conn: Connection, name: str) -> None:
    """State `stopped`, with every invalidation sent."""
    await conn.execute(
        "UPDATE projections.checkpoints SET state = 'stopped', error = NULL, invalidations = '[]',"
        " updated_at = now() WHERE name = %s",
        (name,),
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
