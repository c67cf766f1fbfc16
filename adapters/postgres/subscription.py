"""Live `subscribe_all` for PostgreSQL: catch up in batches, then follow LISTEN/NOTIFY.

Each subscription owns one dedicated LISTEN connection (outside the pool). It starts listening *before*
its catch-up reads, so an append committed in between still leaves a notification behind; positions
are dense and commit-ordered, so reading `position > last seen` never skips an event. A slow fallback
poll covers lost notifications, and a dropped listen connection is re-opened with backoff.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import Any, Protocol

import psycopg
from psycopg import sql

from adapters.postgres.schema import NOTIFY_CHANNEL
from application.eventstore import EventStoreUnavailable, RecordedEvent

LISTENER_APPLICATION_NAME = "fitcoach-eventstore-listener"


class ReadAll(Protocol):
    def __call__(self, *, after: int, limit: int) -> Awaitable[list[RecordedEvent]]: ...


class PostgresSubscriptions:
    """Runs the live subscriptions of one store and closes their connections when the store closes."""

    def __init__(self, conninfo: str, read_all: ReadAll) -> None:
        self._conninfo = conninfo
        self._read_all = read_all
        self._listeners: set[psycopg.AsyncConnection[Any]] = set()
        self._closed = False
        self.batch_size = 1000
        self.fallback_poll_seconds = 5.0
        self.max_reconnect_attempts = 8

    async def follow(self, after: int) -> AsyncIterator[RecordedEvent]:
        position = max(after, 0)
        failures = 0
        while True:
            try:
                async with await self._listen() as listener:
                    while True:
                        batch = await self._read_all(after=position, limit=self.batch_size)
                        failures = 0
                        for event in batch:
                            position = event.position
                            yield event
                        if len(batch) < self.batch_size:
                            await _next_notification(listener, self.fallback_poll_seconds)
            except (psycopg.OperationalError, EventStoreUnavailable) as error:
                if self._closed:
                    raise EventStoreUnavailable("the event store was closed") from None
                failures += 1
                if failures > self.max_reconnect_attempts:
                    raise EventStoreUnavailable("lost the PostgreSQL event subscription") from error
                await asyncio.sleep(min(0.1 * 2**failures, 5.0))

    async def close(self) -> None:
        self._closed = True
        for listener in list(self._listeners):
            await listener.close()  # a subscription waiting on it wakes with OperationalError

    async def _listen(self) -> _Listener:
        if self._closed:
            raise EventStoreUnavailable("the event store was closed")
        conn = await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, application_name=LISTENER_APPLICATION_NAME
        )
        try:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(NOTIFY_CHANNEL)))
        except BaseException:
            await conn.close()
            raise
        return _Listener(conn, self._listeners)


class _Listener:
    """Keeps a listen connection registered with its owner for exactly as long as it is open."""

    def __init__(self, conn: psycopg.AsyncConnection[Any], registry: set[psycopg.AsyncConnection[Any]]):
        self.conn = conn
        self._registry = registry
        registry.add(conn)

    async def __aenter__(self) -> psycopg.AsyncConnection[Any]:
        return self.conn

    async def __aexit__(self, *exc_info: object) -> None:
        self._registry.discard(self.conn)
        await self.conn.close()


async def _next_notification(conn: psycopg.AsyncConnection[Any], at_most_seconds: float) -> None:
    """Return once a notification arrives (or one already queued), or after `at_most_seconds`."""
    async for _ in conn.notifies(timeout=at_most_seconds, stop_after=1):
        pass
