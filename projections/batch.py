"""One batch, one transaction: read-model writes and the checkpoint commit together.

The checkpoint row is locked first and events at or below it are dropped, so applying the same events
twice changes nothing, even if two runners ever overlapped or a rebuild swapped the tables meanwhile.
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
    conn: Connection, projection: Projection, events: Sequence[RecordedEvent]
) -> BatchOutcome:
    async with conn.transaction():
        checkpoint = await checkpoints.lock(conn, projection.name)
        fresh = [event for event in events if event.position > checkpoint]
        if not fresh:
            return BatchOutcome(0, checkpoint, [])
        invalidations = await projection.apply(conn, projection.schema, fresh)
        await checkpoints.advance(conn, projection.name, fresh[-1].position, fresh[-1].recorded_at)
    return BatchOutcome(len(fresh), fresh[-1].position, invalidations)
