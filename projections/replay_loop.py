"""`ReplayLoop`: the log read page by page and fed to a `Replay`, as a rebuild and `audit verify` do.

The loop reads the next page while the current one folds. It stops at the end of the log, or at `until`
(the live checkpoint a verification rebuilds up to). With a checkpoint name, each flush commits that
checkpoint with the rows (a rebuild); without one, flushes only write rows (a verification, which keeps
its scratch tables in a transaction it rolls back).

The cyclic garbage collector is paused meanwhile. A replay holds a large, acyclic heap (every plan's
state) while allocating millions of short-lived objects; each full collection would walk that heap
again, and did halve the throughput. Nothing in a replay forms cycles, so nothing piles up meanwhile.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from application.eventstore import EventStore, RecordedEvent
from projections import checkpoints
from projections.projection import Connection, Replay

DEFAULT_PAGE_SIZE = 4000


@dataclass(frozen=True, slots=True)
class RebuildProgress:
    events: int
    position: int
    head: int
    """The log's last position when the replay started, or `until` (or the replay's position, once past
    it)."""
    elapsed_seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        rate = self.events_per_second
        return (self.head - self.position) / rate if rate > 0 else None


class ReplayLoop:
    def __init__(
        self,
        replay: Replay,
        started: float,
        progress: Callable[[RebuildProgress], None] | None,
        *,
        checkpoint_name: str | None = None,
        until: int | None = None,
    ) -> None:
        self._replay = replay
        self._checkpoint_name = checkpoint_name
        self._started = started
        self._progress = progress
        self._until = until
        self.events = 0
        self.position = 0
        self._last_at: datetime | None = None

    async def run(self, conn: Connection, store: EventStore, page_size: int) -> None:
        until = self._until
        if until is not None and until <= 0:
            return
        head = await store.current_position() if until is None else until
        pending: asyncio.Task[list[RecordedEvent]] = asyncio.create_task(store.read_all(limit=page_size))
        try:
            with _collector_paused():
                while page := await pending:
                    at_end = until is not None and page[-1].position >= until
                    if not at_end:
                        next_page = store.read_all(after=page[-1].position, limit=page_size)
                        pending = asyncio.create_task(next_page)
                        await asyncio.sleep(0)  # send the next read before folding this page
                    await self._feed(conn, page if until is None else _up_to(page, until), head)
                    if at_end:
                        break
                await self._flush(conn)
        finally:
            pending.cancel()

    async def _feed(self, conn: Connection, page: Sequence[RecordedEvent], head: int) -> None:
        if page:
            await self._replay.feed(conn, page)
            self.events += len(page)
            self.position, self._last_at = page[-1].position, page[-1].recorded_at
            if self._replay.wants_flush:
                await self._flush(conn)
        self._report(head)

    def _report(self, head: int) -> None:
        if self._progress is not None:
            elapsed = time.perf_counter() - self._started
            self._progress(RebuildProgress(self.events, self.position, max(head, self.position), elapsed))

    async def _flush(self, conn: Connection) -> None:
        async with conn.transaction():
            await self._replay.flush(conn)
            if self._checkpoint_name is not None:
                await checkpoints.advance(conn, self._checkpoint_name, self.position, self._last_at)


def _up_to(page: list[RecordedEvent], until: int) -> list[RecordedEvent]:
    return page if page[-1].position <= until else [event for event in page if event.position <= until]


@contextmanager
def _collector_paused() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
