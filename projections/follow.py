"""`LogFollower`: the log as batches. A reader task follows `subscribe_all` into a bounded queue; a batch
is whatever the queue holds when asked (up to the batch size), so catch-up runs in full batches and a
live event goes on at once, without waiting for a batch to fill."""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType

from application.eventstore import EventStore, EventStoreUnavailable, RecordedEvent

log = logging.getLogger("fitcoach.projections")
READER_STOP_SECONDS = 1.0
READER_STOP_ATTEMPTS = 5


class LogFollower:
    def __init__(self, store: EventStore, after: int, batch_size: int, stopping: asyncio.Event) -> None:
        self._store = store
        self._after = after
        self._batch_size = batch_size
        self._stopping = stopping
        self._queue: asyncio.Queue[RecordedEvent] = asyncio.Queue(maxsize=batch_size * 2)
        self._reader: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LogFollower:
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc_info: type[BaseException] | BaseException | TracebackType | None) -> None:
        reader = self._reader
        if reader is None:
            return
        # Bounded: under load a cancellation can land inside the driver's wait for a notification and be
        # absorbed there, leaving the reader running (seen as a runner that never reconnected). Cancel it
        # again where it next waits; never let a stuck reader hold the runner.
        for _ in range(READER_STOP_ATTEMPTS):
            reader.cancel()
            done, _pending = await asyncio.wait({reader}, timeout=READER_STOP_SECONDS)
            if done:
                return
        log.warning("log reader did not stop after %d cancellations; leaving it behind", READER_STOP_ATTEMPTS)

    async def next_batch(self) -> list[RecordedEvent] | None:
        """The next events (waiting for a first one), or None once stopping. Raises if the log is lost."""
        assert self._reader is not None, "use `async with`"
        queue, reader, batch = self._queue, self._reader, []
        if queue.empty():
            getter = asyncio.ensure_future(queue.get())
            stopper = asyncio.ensure_future(self._stopping.wait())
            try:
                await asyncio.wait((getter, stopper, reader), return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopper.cancel()
                if not getter.done():
                    getter.cancel()
            if getter.done() and not getter.cancelled():
                batch.append(getter.result())
            elif reader.done():
                reader.result()  # raises what ended the subscription
        if self._stopping.is_set():
            return None
        while len(batch) < self._batch_size and not queue.empty():
            batch.append(queue.get_nowait())
        return batch

    async def _read(self) -> None:
        events = self._store.subscribe_all(after=self._after)
        try:
            async for event in events:
                await self._queue.put(event)
        finally:
            close = getattr(events, "aclose", None)
            if close is not None:
                await close()
        raise EventStoreUnavailable("the log subscription ended")
