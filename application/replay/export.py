"""Writing the log, or one stream, as export lines (`line_format`), a page at a time.

The export stops at the head it saw when it started (the log's position, or the stream's version), so a
log that keeps growing meanwhile still gives a finite, consistent file. Memory holds one page of events.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from application.eventstore import EventStore, RecordedEvent
from application.replay.line_format import ReplayError, encode_line

DEFAULT_PAGE_SIZE = 1000

Progress = Callable[[int, int], None]
"""Called after each page with (how far, how far to go): global positions for the whole log (as many as
the events on PostgreSQL, whose positions are dense), stream versions for one stream."""


class StreamNotFound(ReplayError):
    code = "STREAM_NOT_FOUND"


class LogExport:
    """`async for chunk in LogExport(store).chunks():` writes the whole log; `stream=` only that stream.
    Each chunk is one page's lines; `exported` counts the events so far."""

    def __init__(self, store: EventStore, *, stream: str | None = None, page_size: int = DEFAULT_PAGE_SIZE):
        if page_size < 1:
            raise ValueError("page_size must be 1 or more")
        self._store = store
        self._stream = stream
        self._page_size = page_size
        self.exported = 0

    async def chunks(self, progress: Progress | None = None) -> AsyncIterator[str]:
        pages = self._whole_log() if self._stream is None else self._one_stream(self._stream)
        async for page, done, total in pages:
            self.exported += len(page)
            yield "".join(map(encode_line, page))
            if progress is not None:
                progress(done, total)

    async def _whole_log(self) -> AsyncIterator[tuple[list[RecordedEvent], int, int]]:
        head = await self._store.current_position()
        after = 0
        while after < head:
            page = await self._store.read_all(after=after, limit=self._page_size)
            page = [event for event in page if event.position <= head]
            if not page:
                return
            after = page[-1].position
            yield page, after, head

    async def _one_stream(self, stream: str) -> AsyncIterator[tuple[list[RecordedEvent], int, int]]:
        last = await self._store.read_stream(stream, backwards=True, limit=1)
        if not last:
            raise StreamNotFound(f"stream {stream!r} has no events")
        head = last[0].stream_version
        version = 1
        while version <= head:
            page = await self._store.read_stream(
                stream, from_version=version, to_version=head, limit=self._page_size
            )
            if not page:
                return
            version = page[-1].stream_version + 1
            yield page, version - 1, head
