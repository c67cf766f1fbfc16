"""`projection_status`: each projection's checkpoint, lag and state (`fitcoach projections status`).

The CLI opens one connection for it; the API's `/ready` and `/metrics`, called every few seconds, borrow
one from the process's pool (`projection_status_from_pool`) rather than connecting each time.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg_pool import AsyncConnectionPool

from application.eventstore import EventStore
from projections import checkpoints
from projections.checkpoints import State
from projections.lag import lag_behind
from projections.projection import Connection
from projections.runner import LOCK_NAMESPACE

ABANDONED = "no runner holds the projection's lock: the last one ended without stopping"

# A two-key advisory lock shows in pg_locks as (classid, objid, objsubid = 2), per database.
_HELD_LOCKS = """
SELECT c.name FROM projections.checkpoints c
  JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
   AND l.classid = %s::int4::oid AND l.objid = hashtext(c.name)::oid
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


@dataclass(frozen=True, slots=True)
class ProjectionStatus:
    name: str
    checkpoint: int
    lag_events: int
    lag_seconds: float
    state: str
    error: str | None


async def projection_status(store: EventStore, conninfo: str) -> list[ProjectionStatus]:
    """Every checkpoint, including a rebuild in progress (named `<projection>__rebuild`).

    A checkpoint left `running` by a runner that died (SIGKILL, lost host) shows as `stopped`.
    """
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
        rows, held = await _checkpoints_and_held_locks(conn)
    return await _statuses(store, rows, held)


async def projection_status_from_pool(store: EventStore, pool: AsyncConnectionPool) -> list[ProjectionStatus]:
    """`projection_status` on a connection borrowed from `pool` (an autocommit one, as `open_pool` makes),
    given back before the lag is measured."""
    async with pool.connection() as conn:
        rows, held = await _checkpoints_and_held_locks(conn)
    return await _statuses(store, rows, held)


async def _checkpoints_and_held_locks(conn: Connection) -> tuple[list[checkpoints.Checkpoint], set[str]]:
    rows = await checkpoints.read_all(conn)
    held = {row[0] for row in await (await conn.execute(_HELD_LOCKS, (LOCK_NAMESPACE,))).fetchall()}
    return rows, held


async def _statuses(
    store: EventStore, rows: list[checkpoints.Checkpoint], held: set[str]
) -> list[ProjectionStatus]:
    statuses = []
    for row in rows:
        lag_events, lag_seconds = await lag_behind(store, row.position)
        state, error = row.state.value, row.error
        if row.state is State.RUNNING and row.name not in held:
            state, error = State.STOPPED.value, ABANDONED
        statuses.append(ProjectionStatus(row.name, row.position, lag_events, lag_seconds, state, error))
    return statuses
