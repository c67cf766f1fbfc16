"""A stream's history: every event with its place, metadata and a summary, whole or a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from application.audit.records import AuditRecord, audit_record
from application.audit.streams import checked_range, locate_stream, stream_version
from application.eventstore import EventStore


@dataclass(frozen=True, slots=True)
class StreamHistory:
    stream: str
    version: int
    """The stream's version now."""
    records: tuple[AuditRecord, ...]


@dataclass(frozen=True, slots=True)
class HistoryPage:
    records: tuple[AuditRecord, ...]
    """Oldest first."""
    total: int
    """How many events the stream holds, in all (up to the bound the page was read under)."""
    has_next: bool
    has_previous: bool


class StreamHistories:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def history(
        self, stream_or_id: str, *, from_version: int = 1, to_version: int | None = None
    ) -> StreamHistory:
        """The events `from_version`..`to_version` (default: all) of a stream named in full or by its
        aggregate's id (`streams.locate_stream`). Raises StreamNotFound, AmbiguousId, VersionOutOfRange
        or InvalidVersionRange."""
        stream, current = await locate_stream(self._store, stream_or_id)
        first, last = checked_range(current, from_version, to_version)
        events = await self._store.read_stream(stream, from_version=first, to_version=last)
        return StreamHistory(stream, current, tuple(audit_record(event) for event in events))

    async def page(self, stream_or_id: str, *, limit: int, after: int | None = None) -> HistoryPage:
        """Up to `limit` events after version `after` (from the first when None). Raises StreamNotFound
        or AmbiguousId."""
        stream, current = await locate_stream(self._store, stream_or_id)
        return await self._page(stream, current, limit=limit, after=after)

    async def page_of(
        self, stream: str, *, limit: int, after: int | None = None, up_to: int | None = None
    ) -> HistoryPage:
        """A page of a stream named in full, its events bounded by version `up_to` (an aggregate's state in
        hand: what was written since is not part of it). An empty page for a stream without events."""
        current = await stream_version(self._store, stream)
        return await self._page(stream, current if up_to is None else min(up_to, current), limit, after)

    async def _page(self, stream: str, top: int, limit: int, after: int | None) -> HistoryPage:
        start = 1 if after is None else max(after, 0) + 1
        events = (
            await self._store.read_stream(stream, from_version=start, to_version=top, limit=limit + 1)
            if start <= top
            else []
        )
        records = tuple(audit_record(event) for event in events[:limit])
        return HistoryPage(records, top, len(events) > limit, start > 1)
