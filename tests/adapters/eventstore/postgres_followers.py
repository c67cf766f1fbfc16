"""`Follower`, which collects what a subscription of `pg_store` (in conftest.py: a PostgreSQL store whose
live subscriptions rely on LISTEN/NOTIFY alone) delivers.

The fallback poll is set to an hour, so a missed notification would hang a test (until the guard timeout)
instead of passing slowly.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import cast

from adapters.postgres.store import PostgresEventStore
from application.eventstore import RecordedEvent

WRITERS = 8
GUARD_SECONDS = 60  # only stops a broken subscription from hanging the suite


class Follower:
    """Collects what a subscription delivers, in a task, until it has seen a given position."""

    def __init__(self, store: PostgresEventStore, after: int) -> None:
        self.seen: list[RecordedEvent] = []
        self._subscription = cast(AsyncGenerator[RecordedEvent, None], store.subscribe_all(after=after))
        self._last: int | None = None
        self._task = asyncio.ensure_future(self._follow())

    async def _follow(self) -> None:
        async for event in self._subscription:
            self.seen.append(event)
            if self._last is not None and event.position >= self._last:
                return

    async def until(self, last_position: int) -> list[RecordedEvent]:
        self._last = last_position
        try:
            if not (self.seen and self.seen[-1].position >= last_position):
                async with asyncio.timeout(GUARD_SECONDS):
                    await self._task
        finally:
            await self.stop()
        return self.seen

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self._subscription.aclose()
