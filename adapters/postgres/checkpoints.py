"""`PostgresCheckpointWaiter`: read-your-writes waits on projection checkpoints, woken by LISTEN/NOTIFY.

One LISTEN connection per process follows `projection_checkpoints` (payload `<name>:<position>`, sent by
the projector with each committed batch). It listens before reading the checkpoints table, so a batch
committed in between is never missed; a dropped connection is re-opened with backoff and re-read.
Waiting costs no query: each waiter is a future, resolved when a notification passes its position.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import make_conninfo

CHANNEL = "projection_checkpoints"
APPLICATION_NAME = "fitcoach-checkpoint-waiter"
_CHECKPOINTS = "SELECT name, position FROM projections.checkpoints"
# The name lets operators spot the connection; libpq keepalives notice a silently dropped one
# without sending a query.
_KEEPALIVES: dict[str, str | int] = {
    "application_name": APPLICATION_NAME,
    "keepalives": 1,
    "keepalives_idle": 15,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}

log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Waiter:
    position: int
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class PostgresCheckpointWaiter:
    def __init__(
        self,
        conninfo: str,
        *,
        connection_class: type[psycopg.AsyncConnection[Any]] = psycopg.AsyncConnection,
        backoff: tuple[float, float] = (0.1, 5.0),
    ) -> None:
        self._conninfo = conninfo
        self._connection_class = connection_class
        self._backoff = backoff
        self._positions: dict[str, int] = {}
        self._waiters: dict[str, set[_Waiter]] = {}
        self._first_attempt = asyncio.Event()
        self._down = False
        self._task: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, conninfo: str, **options: Any) -> PostgresCheckpointWaiter:
        """Starts following; returns after the first connection attempt, whether or not it worked."""
        waiter = cls(conninfo, **options)
        waiter._task = asyncio.create_task(waiter._follow())
        await waiter._first_attempt.wait()
        return waiter

    def position(self, name: str) -> int:
        """The latest checkpoint known for projection `name` (0 if none yet)."""
        return self._positions.get(name, 0)

    # A timeout is an expected answer here (False), not a cancellation: hence the parameter.
    async def wait_for(self, name: str, position: int, timeout: float = 2.0) -> bool:  # noqa: ASYNC109
        if position <= self.position(name):
            return True
        waiter = _Waiter(position)
        waiting = self._waiters.setdefault(name, set())
        waiting.add(waiter)
        try:
            async with asyncio.timeout(max(timeout, 0.0)):
                await waiter.done
            return True
        except TimeoutError:
            return False
        finally:
            waiting.discard(waiter)
            if not waiting and self._waiters.get(name) is waiting:
                del self._waiters[name]

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _follow(self) -> None:
        delay = self._backoff[0]
        while True:
            try:
                conn = await self._connection_class.connect(
                    make_conninfo(self._conninfo, **_KEEPALIVES), autocommit=True
                )
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    await self._read_checkpoints(conn)
                    self._connected()
                    delay = self._backoff[0]
                    async for notification in conn.notifies():
                        self._on_notification(notification.payload)
            except psycopg.Error as error:
                if not self._down:
                    self._down = True
                    log.warning("lost the checkpoint notifications (%s); reconnecting", type(error).__name__)
            self._first_attempt.set()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._backoff[1])

    async def _read_checkpoints(self, conn: psycopg.AsyncConnection[Any]) -> None:
        try:
            cursor = await conn.execute(_CHECKPOINTS)
        except (pg_errors.UndefinedTable, pg_errors.InvalidSchemaName):
            return  # no projector has run yet: notifications will tell
        for name, position in await cursor.fetchall():
            self._positions[name] = position
            self._wake(name, position)

    def _connected(self) -> None:
        self._first_attempt.set()
        if self._down:
            self._down = False
            log.info("checkpoint notifications are back")

    def _on_notification(self, payload: str) -> None:
        name, _, raw_position = payload.rpartition(":")
        try:
            position = int(raw_position)
        except ValueError:
            log.error("ignored a malformed checkpoint notification")
            return
        if position > self.position(name):
            self._positions[name] = position
            self._wake(name, position)

    def _wake(self, name: str, position: int) -> None:
        for waiter in self._waiters.get(name, ()):
            if waiter.position <= position and not waiter.done.done():
                waiter.done.set_result(None)
