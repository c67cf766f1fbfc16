"""What a projection is to the runner: a named read model in its own PostgreSQL schema.

A projection applies events inside a transaction the runner opened; the runner writes the checkpoint in
that same transaction. A rebuild replays the whole log into a fresh copy of the schema through the
projection's `Replay`, which may keep state in memory because the fresh tables are its alone.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from typing import Any, Protocol

import psycopg

from application.cache import Invalidation
from application.eventstore import RecordedEvent
from domain.errors import DomainError

Connection = psycopg.AsyncConnection[Any]


class Replay(Protocol):
    """Folds the whole log for a rebuild, holding what it can in memory, and writes it at flush points."""

    async def feed(self, conn: Connection, events: Sequence[RecordedEvent]) -> None: ...

    @property
    def wants_flush(self) -> bool:
        """True when the state held in memory has grown past its bound."""
        ...

    async def flush(self, conn: Connection) -> None:
        """Write everything held so far into the fresh tables, within the caller's transaction."""
        ...


class Projection(Protocol):
    @property
    def name(self) -> str:
        """The checkpoint's name, e.g. `workout_plans`."""
        ...

    @property
    def schema(self) -> str:
        """The PostgreSQL schema holding this projection's tables (and only them): a rebuild swaps it."""
        ...

    def create_tables(self, schema: str) -> str:
        """Idempotent DDL creating this projection's tables in `schema` (which exists)."""
        ...

    def handles(self, event: RecordedEvent) -> bool:
        """Whether `apply` has anything to do with `event` (a cheap test, on its stream's name, say).
        A batch of none of them only moves the checkpoint."""
        ...

    async def apply(
        self, conn: Connection, schema: str, events: Sequence[RecordedEvent]
    ) -> list[Invalidation]:
        """Apply `events` (in position order, all newer than the checkpoint) in the caller's transaction.

        Returns the cache entries the events made stale. Raises `EventFailed` for an event it cannot apply.
        """
        ...

    def replay(self, schema: str) -> Replay: ...


class EventFailed(Exception):
    """A projection could not apply one event; `__cause__` says why."""

    def __init__(self, event: RecordedEvent) -> None:
        super().__init__(f"event {event.event_id} at position {event.position}")
        self.event = event


class ProjectionFailed(Exception):
    """A poison event stopped a projection; it resumes from the same checkpoint once fixed."""

    code = "PROJECTION_FAILED"

    def __init__(self, projection: str, event: RecordedEvent, cause: BaseException) -> None:
        self.projection = projection
        self.event = event
        super().__init__(
            f"projection {projection!r} stopped at event {event.event_id} (type {event.type}, "
            f"position {event.position}, stream version {event.stream_version}): {describe(cause)}"
        )


def describe(error: BaseException) -> str:
    """The error class, code and place, never its message when that could quote event data."""
    parts = [_one_error(error)]
    if error.__cause__ is not None:
        parts.append(f"caused by {_one_error(error.__cause__)}")
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        parts.append(f"at {frames[-1].filename.rsplit('/', 2)[-1]}:{frames[-1].lineno}")
    return ", ".join(parts)


def _one_error(error: BaseException) -> str:
    if isinstance(error, psycopg.Error):
        return f"{type(error).__name__} (SQLSTATE {error.sqlstate})"
    if isinstance(error, DomainError):
        return f"{type(error).__name__} [{error.code}]: {error.message}"
    return type(error).__name__
