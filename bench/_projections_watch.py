"""When did the read model first show position N? Told by the projection's checkpoint notifications.

The runner sends `pg_notify('projection_checkpoints', '<name>:<position>')` after each committed batch.
`CheckpointWatch` listens on its own connection and keeps the time each higher checkpoint arrived, so a
command that learns its position only after the notification came still gets the right moment.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import heapq
import itertools
import time
from typing import Any

import psycopg

CHECKPOINT_CHANNEL = "projection_checkpoints"


class CheckpointWatch:
    def __init__(self, url: str, projection: str) -> None:
        self._url = url
        self._projection = projection
        self._positions: list[int] = []
        self._arrivals: list[float] = []
        self._waiters: list[tuple[int, int, asyncio.Future[float]]] = []
        self._tiebreak = itertools.count()
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def latest(self) -> int:
        return self._positions[-1] if self._positions else 0

    async def start(self) -> None:
        self._conn = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
        await self._conn.execute(f"LISTEN {CHECKPOINT_CHANNEL}")
        self._task = asyncio.create_task(self._listen(self._conn))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._conn is not None:
            await self._conn.close()

    async def visible_at(self, position: int, wait_seconds: float) -> float | None:
        """perf_counter() time of the first checkpoint at or past `position`; None after `wait_seconds`."""
        index = bisect.bisect_left(self._positions, position)
        if index < len(self._positions):
            return self._arrivals[index]
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (position, next(self._tiebreak), future))
        try:
            return await asyncio.wait_for(future, wait_seconds)
        except TimeoutError:
            return None

    async def _listen(self, conn: psycopg.AsyncConnection[Any]) -> None:
        async for notify in conn.notifies():
            arrived = time.perf_counter()
            name, _, raw_position = notify.payload.rpartition(":")
            if name != self._projection:
                continue
            position = int(raw_position)
            if position <= self.latest:
                continue
            self._positions.append(position)
            self._arrivals.append(arrived)
            while self._waiters and self._waiters[0][0] <= position:
                _, _, future = heapq.heappop(self._waiters)
                if not future.done():
                    future.set_result(arrived)
