"""`audit integrity`: recompute every stream's chain (or one stream's) and check it against its seals.

The whole log is read once, in position order and pages (`log_pages`), with one small `StreamWalk`
per stream: in a log nobody touched, that is each stream in version order. A stream found broken is
read again on its own, in version order and keeping its hashes, so its first bad version and reason
are those of the stream itself (an event moved to another version looks like a gap in log order).
Streams that were sealed but have no event left are reported as truncated at version 1.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from application.eventstore import EventStore
from application.integrity.log_pages import PAGE_SIZE, Progress, log_pages, stream_pages
from application.integrity.seals import Seal, Seals
from application.integrity.walk import Status, StreamReport, StreamWalk


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    streams: tuple[StreamReport, ...]
    """Every stream checked, by name."""

    @property
    def events(self) -> int:
        return sum(report.events for report in self.streams)

    @property
    def broken(self) -> tuple[StreamReport, ...]:
        return tuple(report for report in self.streams if report.status is Status.BROKEN)

    def counts(self) -> dict[str, int]:
        """Streams by status, every status named."""
        found = Counter(report.status for report in self.streams)
        return {status.value: found[status] for status in Status}

    def to_json(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "streams": len(self.streams),
            **self.counts(),
            "unchained_events": sum(report.unchained for report in self.streams),
            "reports": [stream_json(report) for report in self.streams],
        }


def stream_json(report: StreamReport) -> dict[str, Any]:
    found = report.first_break
    return {
        "stream": report.stream,
        "status": report.status.value,
        "events": report.events,
        "version": report.version,
        "unchained": report.unchained,
        "chained_from": report.chained_from,
        "sealed_version": report.sealed_version,
        "first_break": None
        if found is None
        else {
            "version": found.version,
            "position": found.position,
            "reason": found.problem.value,
            "detail": found.detail,
        },
    }


class IntegrityAudit:
    def __init__(self, store: EventStore, seals: Seals, *, page_size: int = PAGE_SIZE) -> None:
        self._store = store
        self._seals = seals
        self._page_size = page_size

    async def log(self, *, progress: Progress | None = None) -> IntegrityReport:
        sealed = await self._seals.all()
        walks: dict[str, StreamWalk] = {}
        async for page in log_pages(self._store, page_size=self._page_size, progress=progress):
            for event in page:
                walk = walks.get(event.stream)
                if walk is None:
                    walk = walks[event.stream] = StreamWalk(event.stream, sealed.get(event.stream, ()))
                walk.feed(event)
        reports = []
        for stream, walk in walks.items():
            if walk.broken:
                reports.append(await self._walk_stream(stream, sealed.get(stream, ())))
            else:
                reports.append(walk.finish())
        reports += [StreamWalk(stream, sealed[stream]).finish() for stream in sealed.keys() - walks.keys()]
        return IntegrityReport(tuple(sorted(reports, key=lambda report: report.stream)))

    async def stream(self, stream: str, *, progress: Progress | None = None) -> IntegrityReport:
        report = await self._walk_stream(stream, await self._seals.of_stream(stream), progress)
        return IntegrityReport((report,))

    async def _walk_stream(
        self, stream: str, seals: list[Seal] | tuple[Seal, ...], progress: Progress | None = None
    ) -> StreamReport:
        walk = StreamWalk(stream, seals, keep_hashes=True)
        pages = stream_pages(self._store, stream, page_size=self._page_size, progress=progress)
        async for page in pages:
            for event in page:
                walk.feed(event)
        return walk.finish()
