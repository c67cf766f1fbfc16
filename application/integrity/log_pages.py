"""Reading the whole log, or one stream, in pages through the `EventStore` port, the next page already
requested while the caller works on the current one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from application.eventstore import EventStore, RecordedEvent

PAGE_SIZE = 2000
"""Events per read: large enough that round trips cost little next to decoding and hashing."""


@dataclass(frozen=True, slots=True)
class ReadProgress:
    events: int
    """Events read so far."""
    reached: int
    """How far the read is: a log position, or a stream version."""
    end: int
    """Where it ends: the log's head position when it started, or the stream's last version."""


Progress = Callable[[ReadProgress], None]


async def log_pages(
    store: EventStore, *, page_size: int = PAGE_SIZE, progress: Progress | None = None
) -> AsyncIterator[list[RecordedEvent]]:
    """Every event up to the log's head when the read starts (and whatever its last page catches after)."""
    head = await store.current_position()

    def read(after: int) -> Awaitable[list[RecordedEvent]]:
        return store.read_all(after=after, limit=page_size)

    async for page in _prefetched(read, 0, lambda page: page[-1].position, head, progress):
        yield page


async def stream_pages(
    store: EventStore, stream: str, *, page_size: int = PAGE_SIZE, progress: Progress | None = None
) -> AsyncIterator[list[RecordedEvent]]:
    """The stream's events in version order (versions need not be contiguous: gaps are read past)."""
    last = await store.read_stream(stream, backwards=True, limit=1)
    end = last[0].stream_version if last else 0

    def read(after: int) -> Awaitable[list[RecordedEvent]]:
        return store.read_stream(stream, from_version=after + 1, limit=page_size)

    async for page in _prefetched(read, 0, lambda page: page[-1].stream_version, end, progress):
        yield page


async def _prefetched(
    read: Callable[[int], Awaitable[list[RecordedEvent]]],
    start: int,
    reached: Callable[[list[RecordedEvent]], int],
    end: int,
    progress: Progress | None,
) -> AsyncIterator[list[RecordedEvent]]:
    if end <= start:
        return
    events = 0
    pending: asyncio.Future[list[RecordedEvent]] | None = asyncio.ensure_future(read(start))
    try:
        while pending is not None:
            page = await pending
            pending = None
            if not page:
                return
            after = reached(page)
            if after < end:
                pending = asyncio.ensure_future(read(after))
                await asyncio.sleep(0)  # let the next read send its query before the caller takes the CPU
            events += len(page)
            if progress is not None:
                progress(ReadProgress(events, min(after, end), end))
            yield page
    finally:
        if pending is not None:
            pending.cancel()
