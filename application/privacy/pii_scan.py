"""`PlainDataScan`: which streams still hold personal data in the clear, out of reach of erasure.

Erasure deletes a person's data key (`application.privacy.erasure`), which erases the fields sealed with
it. An event written before sealing existed, or with no data subject to seal for, keeps its personal
fields in plain text; no event is ever rewritten, so the operator has to know where they are. The scan
reads the log as written (the store underneath any `OpenedEventStore`: opened, a sealed field would look
plain), once, in position order and pages, and asks `domain.privacy.holds_plain_personal_data` of each
event.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from application.eventstore import EventStore, RecordedEvent
from application.integrity.log_pages import PAGE_SIZE, Progress, log_pages
from application.privacy.opened_store import OpenedEventStore
from domain.privacy import holds_plain_personal_data


@dataclass(frozen=True, slots=True)
class PlainStream:
    """A stream with at least one event holding plain personal data."""

    stream: str
    events: int
    """Its events that hold plain personal data (not every event of the stream)."""
    first_version: int
    first_position: int
    last_version: int
    last_position: int
    event_types: dict[str, int]
    """Type -> how many of its events of that type hold plain personal data."""

    def to_json(self) -> dict[str, Any]:
        return {
            "stream": self.stream,
            "events": self.events,
            "first": {"version": self.first_version, "position": self.first_position},
            "last": {"version": self.last_version, "position": self.last_position},
            "event_types": dict(sorted(self.event_types.items())),
        }


@dataclass(frozen=True, slots=True)
class PlainDataReport:
    events_scanned: int
    streams_scanned: int
    streams: tuple[PlainStream, ...]
    """The streams holding plain personal data, by name."""

    @property
    def plain_events(self) -> int:
        return sum(stream.events for stream in self.streams)

    def to_json(self) -> dict[str, Any]:
        return {
            "events_scanned": self.events_scanned,
            "streams_scanned": self.streams_scanned,
            "plain_events": self.plain_events,
            "plain_streams": len(self.streams),
            "streams": [stream.to_json() for stream in self.streams],
        }


@dataclass(slots=True)
class _Found:
    first: RecordedEvent
    last: RecordedEvent
    events: int = 0
    event_types: Counter[str] = field(default_factory=Counter)

    def add(self, event: RecordedEvent) -> None:
        # Log order is commit order: within a stream, versions only grow along it.
        self.last = event
        self.events += 1
        self.event_types[event.type] += 1

    def report(self, stream: str) -> PlainStream:
        return PlainStream(
            stream=stream,
            events=self.events,
            first_version=self.first.stream_version,
            first_position=self.first.position,
            last_version=self.last.stream_version,
            last_position=self.last.position,
            event_types=dict(self.event_types),
        )


class PlainDataScan:
    def __init__(self, store: EventStore, *, page_size: int = PAGE_SIZE) -> None:
        """Given an `OpenedEventStore`, the scan reads the store underneath it."""
        self._store = store.stored if isinstance(store, OpenedEventStore) else store
        self._page_size = page_size

    async def log(self, *, progress: Progress | None = None) -> PlainDataReport:
        events = 0
        streams: set[str] = set()
        found: dict[str, _Found] = {}
        async for page in log_pages(self._store, page_size=self._page_size, progress=progress):
            events += len(page)
            for event in page:
                streams.add(event.stream)
                if not holds_plain_personal_data(event.type, event.data):
                    continue
                if event.stream not in found:
                    found[event.stream] = _Found(first=event, last=event)
                found[event.stream].add(event)
        plain = tuple(found[stream].report(stream) for stream in sorted(found))
        return PlainDataReport(events_scanned=events, streams_scanned=len(streams), streams=plain)
