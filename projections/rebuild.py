"""Blue/green rebuild: replay the log from position 0 into a fresh schema, then swap it in atomically.

1. Create `<schema>__rebuild` and a checkpoint row `<projection>__rebuild` (state `rebuilding`).
2. Replay the whole log through the projection's `Replay` (state in memory, rows by COPY), committing
   the rebuild checkpoint with each flush (`projections.replay_loop`). The old tables keep serving, and
   a running projector keeps them current meanwhile.
3. In one transaction holding the projection's checkpoint row (so its runner waits): catch the fresh
   tables up to the head of the log, rename the schemas, move the checkpoint, drop the old tables.
   Readers resolve the table names again after the commit, so each sees one complete set or the other.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg import sql

from application.eventstore import EventStore
from projections import checkpoints
from projections.checkpoints import REBUILD_SUFFIX, State
from projections.projection import Connection, EventFailed, Projection, ProjectionFailed, describe
from projections.replay_loop import DEFAULT_PAGE_SIZE, RebuildProgress, ReplayLoop
from projections.runner import LOCK_NAMESPACE
from projections.scratch import create_fresh_schema, tables_in

__all__ = ["DEFAULT_PAGE_SIZE", "RebuildInProgress", "RebuildProgress", "RebuildReport", "rebuild"]

REBUILD_LOCK_NAMESPACE = LOCK_NAMESPACE + 1
"""First key of the rebuild's advisory lock (the second is `hashtext(projection name)`); `audit verify`
holds it shared, so that no rebuild swaps tables under a verification."""


@dataclass(frozen=True, slots=True)
class RebuildReport:
    projection: str
    events: int
    seconds: float
    position: int
    """The checkpoint the rebuilt read model took over with."""

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


class RebuildInProgress(RuntimeError):
    code = "REBUILD_IN_PROGRESS"


async def rebuild(
    store: EventStore,
    conninfo: str,
    projection: Projection,
    *,
    progress: Callable[[RebuildProgress], None] | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> RebuildReport:
    started = time.perf_counter()
    shadow = projection.schema + REBUILD_SUFFIX
    row = projection.name + REBUILD_SUFFIX
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
        cursor = await conn.execute(
            "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (REBUILD_LOCK_NAMESPACE, projection.name)
        )
        locked = await cursor.fetchone()
        if not locked or not locked[0]:
            raise RebuildInProgress(f"projection {projection.name!r} is being rebuilt by another process")
        try:
            await _prepare(conn, projection, shadow, row)
            replayed = ReplayLoop(projection.replay(shadow), started, progress, checkpoint_name=row)
            await replayed.run(conn, store, page_size)
            position = await _swap(conn, store, projection, shadow, row, replayed.position, page_size)
        except EventFailed as error:
            failure = ProjectionFailed(f"{projection.name} (rebuild)", error.event, error.__cause__ or error)
            await checkpoints.set_state(conn, row, State.FAILED, str(failure))
            raise failure from error
        except Exception as error:
            with contextlib.suppress(Exception):  # the connection may be what failed
                await checkpoints.set_state(conn, row, State.FAILED, f"rebuild failed: {describe(error)}")
            raise
    return RebuildReport(projection.name, replayed.events, time.perf_counter() - started, position)


async def _prepare(conn: Connection, projection: Projection, shadow: str, row: str) -> None:
    async with conn.transaction():
        await create_fresh_schema(conn, projection, shadow)
        await checkpoints.ensure(conn, row, State.REBUILDING)
        await conn.execute(
            "UPDATE projections.checkpoints SET position = 0, state = 'rebuilding', error = NULL,"
            " updated_at = now(), last_event_at = NULL WHERE name = %s",
            (row,),
        )


async def _swap(
    conn: Connection,
    store: EventStore,
    projection: Projection,
    shadow: str,
    row: str,
    position: int,
    page_size: int,
) -> int:
    await _analyze(conn, shadow)
    live, fresh = sql.Identifier(projection.schema), sql.Identifier(shadow)
    retired = sql.Identifier(projection.schema + "__retired")
    async with conn.transaction():
        await checkpoints.lock(conn, projection.name)
        last_at, invalidations = None, []
        while page := await store.read_all(after=position, limit=page_size):
            invalidations += await projection.apply(conn, shadow, page)
            position, last_at = page[-1].position, page[-1].recorded_at
        await conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(retired))
        await conn.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(live, retired))
        await conn.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(fresh, live))
        await conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(retired))
        # The runner finds the checkpoint moved and sends these (see `apply_batch`).
        await checkpoints.advance(conn, projection.name, position, last_at, invalidations)
        await conn.execute("DELETE FROM projections.checkpoints WHERE name = %s", (row,))
    return position


async def _analyze(conn: Connection, schema: str) -> None:
    for table in await tables_in(conn, schema):
        await conn.execute(sql.SQL("ANALYZE {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
