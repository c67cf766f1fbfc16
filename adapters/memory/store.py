"""`InMemoryEventStore`: the reference adapter, for domain and application tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from uuid import UUID

from application.eventstore import (
    AppendResult,
    DuplicateEventId,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StreamAppend,
    StreamState,
    WrongExpectedVersion,
    check_stream_name,
    expected_matches,
)


class InMemoryEventStore:
    def __init__(self) -> None:
        self._log: list[RecordedEvent] = []
        self._streams: dict[str, list[RecordedEvent]] = {}
        self._by_id: dict[object, RecordedEvent] = {}
        self._lock = asyncio.Lock()
        self._appended = asyncio.Condition()

    async def append(
        self, stream: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        check_stream_name(stream)
        async with self._lock:
            existing = self._streams.get(stream, [])
            replay = self._idempotent_result(stream, events, expected_version)
            if replay is not None:
                return replay
            if not expected_matches(expected_version, len(existing)):
                raise WrongExpectedVersion(stream, expected_version, len(existing))
            if not events:
                return AppendResult(len(existing), existing[-1].position if existing else 0)
            now = datetime.now(UTC)
            recorded = [
                RecordedEvent(
                    event_id=event.event_id,
                    type=event.type,
                    schema_version=event.schema_version,
                    data=event.data,
                    metadata=event.metadata,
                    stream=stream,
                    stream_version=len(existing) + index + 1,
                    position=len(self._log) + index + 1,
                    recorded_at=event.recorded_at or now,
                )
                for index, event in enumerate(events)
            ]
            self._streams[stream] = [*existing, *recorded]
            self._log.extend(recorded)
            self._by_id.update((event.event_id, event) for event in recorded)
        async with self._appended:
            self._appended.notify_all()
        return AppendResult(recorded[-1].stream_version, recorded[-1].position)

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        return [await self.append(each.stream, each.events, each.expected_version) for each in appends]

    def _idempotent_result(
        self, stream: str, events: Sequence[NewEvent], expected: ExpectedVersion
    ) -> AppendResult | None:
        found = [self._by_id.get(event.event_id) for event in events]
        if not any(found):
            return None
        first = found[0]
        contiguous = first is not None and all(
            hit is not None and hit.stream == stream and hit.stream_version == first.stream_version + index
            for index, hit in enumerate(found)
        )
        if not contiguous or first is None:
            if any(hit is not None and hit.stream != stream for hit in found):
                raise DuplicateEventId("an event id is already used in another stream")
            raise WrongExpectedVersion(stream, expected, len(self._streams.get(stream, [])))
        matches_expected = expected is StreamState.ANY or (
            first.stream_version - 1 == (0 if expected is StreamState.NO_STREAM else expected)
        )
        last = found[-1]
        if not matches_expected or last is None:
            raise WrongExpectedVersion(stream, expected, len(self._streams.get(stream, [])))
        return AppendResult(last.stream_version, last.position)

    async def read_stream(
        self,
        stream: str,
        *,
        from_version: int = 1,
        to_version: int | None = None,
        backwards: bool = False,
        limit: int | None = None,
    ) -> list[RecordedEvent]:
        top = to_version if to_version is not None else float("inf")
        selected = [e for e in self._streams.get(stream, []) if from_version <= e.stream_version <= top]
        if backwards:
            selected.reverse()
        return selected if limit is None else selected[: max(limit, 0)]

    async def read_all(self, *, after: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        start = max(after, 0)
        return self._log[start : start + max(limit, 0)]

    async def correlated(
        self, correlation_id: UUID, *, after: int = 0, limit: int = 1000
    ) -> list[RecordedEvent]:
        """The `CorrelationIndex` of audits: a scan of the log."""
        found = (e for e in self._log[max(after, 0) :] if e.metadata.correlation_id == correlation_id)
        return list(islice(found, max(limit, 0)))

    async def subscribe_all(self, *, after: int = 0) -> AsyncIterator[RecordedEvent]:
        position = max(after, 0)
        while True:
            async with self._appended:
                while len(self._log) <= position:
                    await self._appended.wait()
            for event in self._log[position:]:
                position = event.position
                yield event

    async def current_position(self) -> int:
        return len(self._log)

    async def close(self) -> None:
        return None
