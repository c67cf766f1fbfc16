"""The import's writes, queued and sent together (`EventStore.append_many`): a few hundred small appends
in one call instead of one call, and on PostgreSQL one commit, each."""

from __future__ import annotations

from collections.abc import Sequence

from application.eventstore import (
    DuplicateEventId,
    EventStore,
    EventStoreError,
    EventStoreUnavailable,
    StreamAppend,
    WrongExpectedVersion,
)
from application.replay.line_format import ImportConflict, LoggedEvent


class AppendQueue:
    def __init__(self, store: EventStore, *, limit: int) -> None:
        """Sends the queue once it holds `limit` events or more."""
        self._store = store
        self._limit = limit
        self._queued: list[tuple[StreamAppend, Sequence[LoggedEvent]]] = []
        self._events = 0
        self._streams: set[str] = set()
        self.appended = 0

    def holds(self, stream: str) -> bool:
        return stream in self._streams

    async def add(self, stream: str, version: int, lines: Sequence[LoggedEvent]) -> None:
        """Queue `lines` for `stream`, whose version in the target is `version` once the queue before them
        is written."""
        self._queued.append((StreamAppend(stream, [logged.event for logged in lines], version), lines))
        self._events += len(lines)
        self._streams.add(stream)
        if self._events >= self._limit:
            await self.send()

    async def send(self) -> None:
        """Raises ImportConflict naming the line of the first append the store refused (the ones before it
        are written), or EventStoreUnavailable."""
        if not self._queued:
            return
        try:
            await self._store.append_many([append for append, _ in self._queued])
        except EventStoreUnavailable:
            raise
        except EventStoreError:
            # Which one? Each again on its own: the written ones write nothing twice, the refused one says.
            for append, lines in self._queued:
                await _append_alone(self._store, append, lines)
        self.appended += self._events
        self._queued, self._events = [], 0
        self._streams.clear()


async def _append_alone(store: EventStore, append: StreamAppend, lines: Sequence[LoggedEvent]) -> None:
    first, stream, version = lines[0].line, append.stream, append.expected_version
    try:
        await store.append(stream, append.events, version)
    except WrongExpectedVersion as conflict:
        raise ImportConflict(
            first,
            f"stream {stream!r} changed in the target during the import (version {version} "
            f"expected, {conflict.actual} found)",
        ) from None
    except DuplicateEventId:
        raise ImportConflict(
            first, f"an event id of stream {stream!r} here is used by another stream of the target"
        ) from None
    except EventStoreUnavailable:
        raise
    except EventStoreError as refused:
        raise ImportConflict(
            first, f"the target refused the events of stream {stream!r}: {refused}"
        ) from None
