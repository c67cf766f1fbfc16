"""One batch, one transaction: read-model writes and the checkpoint commit together.

The checkpoint row is locked first and events at or below it are dropped, so applying the same events
twice changes nothing, even if two runners ever overlapped or a rebuild swapped the tables meanwhile.

The transaction runs in libpq's pipeline mode: statements whose results nobody reads yet (BEGIN, the
writes, the checkpoint's advance, COMMIT) are sent without waiting, so a live event costs a few round
trips (lock, load, upsert, commit) rather than one per statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

from application.cache import Invalidation
from application.eventstore import EventStoreUnavailable, RecordedEvent
from projections import checkpoints
from projections.projection import Connection, Projection

TRANSIENT_ERRORS = (psycopg.OperationalError, psycopg.InterfaceError, EventStoreUnavailable)
"""Lost connections, restarts, serialization failures: retry later, never blame the event."""


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    applied: int
    """Events newer than the checkpoint, i.e. actually applied."""
    position: int
    """The checkpoint after the batch."""
    invalidations: list[Invalidation]


async def apply_batch(
    conn: Connection, projection: Projection, events: Sequence[RecordedEvent], *, after: int | None = None
) -> BatchOutcome:
    """`after`: where the caller last left the checkpoint. If another writer (a rebuild's swap) moved it
    since, the invalidations that writer stored come back in the outcome, to be sent again."""
    if not events:
        raise ValueError("a batch holds at least one event")
    if not any(projection.handles(event) for event in events):
        return await _move_checkpoint(conn, projection.name, events, after)
    async with conn.pipeline(), conn.transaction():
        checkpoint = await checkpoints.lock(conn, projection.name)
        inherited = checkpoint.invalidations if _moved(checkpoint, after) else []
        fresh = [event for event in events if event.position > checkpoint.position]
        if not fresh:
            return BatchOutcome(0, checkpoint.position, inherited)
        invalidations = inherited + await projection.apply(conn, projection.schema, fresh)
        last = fresh[-1]
        await checkpoints.advance(conn, projection.name, last.position, last.recorded_at, invalidations)
    return BatchOutcome(len(fresh), last.position, invalidations)


async def _move_checkpoint(
    conn: Connection, name: str, events: Sequence[RecordedEvent], after: int | None
) -> BatchOutcome:
    """A batch with nothing for the projection: one statement moves the checkpoint past it."""
    last = events[-1]
    before = await checkpoints.advance_past(conn, name, last.position, last.recorded_at)
    if before is None:  # already there: every event of the batch had been applied
        now = await checkpoints.position_of(conn, name)
        return BatchOutcome(0, now.position, now.invalidations if _moved(now, after) else [])
    inherited = before.invalidations if _moved(before, after) else []
    applied = sum(1 for event in events if event.position > before.position)
    return BatchOutcome(applied, last.position, inherited)


def _moved(checkpoint: checkpoints.Position, after: int | None) -> bool:
    return after is not None and checkpoint.position != after
