"""How far a projection is behind the log, in events and in seconds."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from application.eventstore import EventStore
from projections import metrics

log = logging.getLogger("fitcoach.projections")


async def lag_behind(store: EventStore, position: int) -> tuple[int, float]:
    """Events after `position`, and the age of the oldest of them (0 when caught up).

    PostgreSQL positions are dense, so the position distance is the number of events.
    """
    behind = max(await store.current_position() - position, 0)
    if not behind:
        return 0, 0.0
    pending = await store.read_all(after=position, limit=1)
    if not pending:
        return 0, 0.0
    age = (datetime.now(UTC) - pending[0].recorded_at).total_seconds()
    return behind, max(age, 0.0)


class LagSampler:
    """Refreshes a running projection's lag gauges every `interval_seconds`."""

    def __init__(self, store: EventStore, projection: str, interval_seconds: float = 1.0) -> None:
        self._store = store
        self._projection = projection
        self._interval_seconds = interval_seconds
        self.position = 0
        """The projection's checkpoint, kept current by its runner."""

    async def run(self) -> None:
        while True:
            try:
                events, seconds = await lag_behind(self._store, self.position)
            except Exception as error:  # the runner notices a lost database itself
                log.debug("projection %s: lag not sampled (%s)", self._projection, type(error).__name__)
            else:
                metrics.LAG_EVENTS.labels(self._projection).set(events)
                metrics.LAG_SECONDS.labels(self._projection).set(seconds)
            await asyncio.sleep(self._interval_seconds)
