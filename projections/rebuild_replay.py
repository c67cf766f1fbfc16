"""The replay phase of a rebuild: the whole log, page by page, into the projection's `Replay`.

The next page is read while the current one folds. The state is flushed (and the rebuild's checkpoint
committed with it) whenever the replay's memory bound is reached, and once at the end.

The cyclic garbage collector is paused meanwhile. A replay holds a large, acyclic heap (every plan's
state) while allocating millions of short-lived objects; each full collection would walk that heap
again, and did halve the throughput. Nothing in a replay forms cycles, so nothing piles up meanwhile.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from application.eventstore import EventStore, RecordedEvent
from projections import checkpoints
from projections.projection import Connection, Replay


@dataclass(frozen=True, slots=True)
class RebuildProgress:
    events: int
    position: int
    head: int
    """The log's last position when the replay started (or the replay's position, once past it)."""
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
        checkpoint_name: str,
        started: float,
        progress: Callable[[RebuildProgress], None] | None,
    ) -> None:
        self._replay = replay
        self._checkpoint_name = checkpoint_name
        self._started = started
        self._progress = progress
        self.events = 0
        self.position = 0
        self._last_at: datetime | None = None

    async def run(self, conn: Connection, store: EventStore, page_size: int) -> None:
        head = await store.current_position()
        pending: asyncio.Task[list[RecordedEvent]] = asyncio.create_task(store.read_all(limit=page_size))
        try:
            with _collector_paused():
                while page := await pending:
                    pending = asyncio.create_task(store.read_all(after=page[-1].position, limit=page_size))
                    await asyncio.sleep(0)  # send the next read before folding this page
                    await self._replay.feed(conn, page)
                    self.events += len(page)
                    self.position, self._last_at = page[-1].position, page[-1].recorded_at
                    if self._replay.wants_flush:
                        await self._flush(conn)
                    if self._progress is not None:
                        elapsed = time.perf_counter() - self._started
                        top = max(head, self.position)
                        self._progress(RebuildProgress(self.events, self.position, top, elapsed))
                await self._flush(conn)
        finally:
            pending.cancel()

    async def _flush(self, conn: Connection) -> None:
        async with conn.transaction():
            await self._replay.flush(conn)
            await checkpoints.advance(conn, self._checkpoint_name, self.position, self._last_at)


@contextmanager
def _collector_paused() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
