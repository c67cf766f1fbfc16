"""Every event of one request, across all streams, in log order: the events sharing its correlation id.

A request's commands carry its correlation id into every event they write (a coach suggestion accepted
into a plan: the plan's events and the session's `SuggestionAccepted`). The `CorrelationIndex` port finds
them: PostgreSQL through an index on the column, other stores by scanning the log (`ScannedCorrelations`).
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from application.audit.errors import CorrelationNotFound
from application.audit.records import AuditRecord, audit_record
from application.eventstore import EventStore, RecordedEvent

PAGE = 1000


class CorrelationIndex(Protocol):
    async def correlated(
        self, correlation_id: UUID, *, after: int = 0, limit: int = PAGE
    ) -> list[RecordedEvent]:
        """Up to `limit` events with this correlation id and a position above `after`, in position order."""
        ...


class ScannedCorrelations:
    """A `CorrelationIndex` for any store: reads the whole log after `after` (an audit tool's pace)."""

    def __init__(self, store: EventStore, *, page: int = PAGE) -> None:
        self._store = store
        self._page = page

    async def correlated(
        self, correlation_id: UUID, *, after: int = 0, limit: int = PAGE
    ) -> list[RecordedEvent]:
        found: list[RecordedEvent] = []
        while len(found) < limit:
            events = await self._store.read_all(after=after, limit=self._page)
            if not events:
                break
            found.extend(event for event in events if event.metadata.correlation_id == correlation_id)
            after = events[-1].position
        return found[:limit]


class Trace:
    def __init__(self, index: CorrelationIndex) -> None:
        self._index = index

    async def events(self, correlation_id: UUID) -> tuple[AuditRecord, ...]:
        """Raises CorrelationNotFound when no event carries the id."""
        records: list[AuditRecord] = []
        after = 0
        while True:
            events = await self._index.correlated(correlation_id, after=after, limit=PAGE)
            records.extend(audit_record(event) for event in events)
            if len(events) < PAGE:
                break
            after = events[-1].position
        if not records:
            raise CorrelationNotFound(correlation_id)
        return tuple(records)
