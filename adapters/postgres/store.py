"""`PostgresEventStore`: the event store on PostgreSQL (psycopg 3 async, one pooled round trip per call).

The schema comes from `adapters.postgres.schema.migrate`; appends go through its `append_events` function.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.codec import (
    EVENT_COLUMNS,
    MAX_BIGINT,
    as_bigint,
    decode_rows,
    encode_data,
    encode_metadata,
    encode_recorded_times,
    expected_as_sql,
)
from adapters.postgres.metrics import Operation, timed
from adapters.postgres.schema import CONFLICT_SQLSTATE, DUPLICATE_ID_SQLSTATE
from adapters.postgres.subscription import PostgresSubscriptions
from application.eventstore import (
    AppendResult,
    DuplicateEventId,
    EventStoreError,
    EventStoreUnavailable,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StreamAppend,
    WrongExpectedVersion,
    check_stream_name,
)

# Binary parameters: psycopg's text array dumper escapes every JSON document with a regex.
_APPEND = (
    "SELECT new_stream_version, last_position FROM eventstore.append_events("
    "%b::text, %b::bigint, %b::uuid[], %b::text[], %b::int[], %b::json[],"
    " %b::text[], %b::uuid[], %b::uuid[], %b::uuid[], %b::uuid[], %b::bytea[], %b::timestamptz[])"
)
_READ_ALL = f"SELECT {EVENT_COLUMNS} FROM eventstore.events WHERE position > %s ORDER BY position LIMIT %s"
_READ_STREAM = (
    f"SELECT {EVENT_COLUMNS} FROM eventstore.events WHERE stream = %s AND stream_version BETWEEN %s AND %s "
    "ORDER BY stream_version {direction} LIMIT %s"
)
_READ_STREAM_FORWARDS = _READ_STREAM.format(direction="ASC")
_READ_STREAM_BACKWARDS = _READ_STREAM.format(direction="DESC")
_CORRELATED = (
    f"SELECT {EVENT_COLUMNS} FROM eventstore.events WHERE correlation_id = %s AND position > %s"
    " ORDER BY position LIMIT %s"
)
_CURRENT_POSITION = "SELECT coalesce(max(position), 0) FROM eventstore.events"


_REFUSED_SQLSTATES = frozenset({CONFLICT_SQLSTATE, DUPLICATE_ID_SQLSTATE})
_REFUSED_DATA = (pg_errors.UniqueViolation, psycopg.DataError)


class _RefusedAppend(Exception):
    """An append of `append_many`'s transaction was refused; which one, and why, `append` tells."""


class PostgresEventStore:
    def __init__(self, pool: AsyncConnectionPool, conninfo: str) -> None:
        self._pool = pool
        self._subscriptions = PostgresSubscriptions(conninfo, self.read_all)

    @classmethod
    async def connect(cls, conninfo: str, *, min_size: int = 1, max_size: int = 10) -> PostgresEventStore:
        with _translated_errors():
            # One direct attempt first: a bad address or database fails now, not after the pool's timeout.
            probe = await psycopg.AsyncConnection.connect(conninfo)
            await probe.close()
        pool = AsyncConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            # Only the append is prepared. Reads are planned on each call for the table's current size:
            # a generic plan cached while the table was small could scan it whole forever after.
            kwargs={"autocommit": True, "prepare_threshold": 0},
            configure=use_utc,
            open=False,
        )
        try:
            with _translated_errors():
                await pool.open(wait=True, timeout=10.0)
        except BaseException:
            await pool.close()  # stop its background reconnection attempts
            raise
        return cls(pool, conninfo)

    @property
    def subscriptions(self) -> PostgresSubscriptions:
        """Tuning knobs of live subscriptions (batch size, fallback poll interval)."""
        return self._subscriptions

    async def append(
        self, stream: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        params = _append_params(stream, events, expected_version)
        with _translated_errors():
            try:
                async with self._pool.connection() as conn:
                    with timed("append", "eventstore.events"):
                        cursor = await conn.execute(_APPEND, params)
                        row = await cursor.fetchone()
            except psycopg.Error as error:
                if error.sqlstate == CONFLICT_SQLSTATE:
                    actual = int(error.diag.message_detail or 0)
                    raise WrongExpectedVersion(stream, expected_version, actual) from None
                if error.sqlstate == DUPLICATE_ID_SQLSTATE or isinstance(error, pg_errors.UniqueViolation):
                    raise DuplicateEventId("an event id is already used in another stream") from None
                raise
        assert row is not None
        return AppendResult(stream_version=row[0], position=row[1])

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        """All in one transaction, their statements pipelined: one round trip and one commit. If one is
        refused, the transaction writes nothing, and the appends are made again one at a time, so that the
        ones before the refused one are written and it raises its own error."""
        if not appends:
            return []
        try:
            params = [_append_params(each.stream, each.events, each.expected_version) for each in appends]
            rows = await self._append_together(params)
        except (EventStoreError, _RefusedAppend) as error:
            if isinstance(error, EventStoreUnavailable):
                raise
            return [await self.append(each.stream, each.events, each.expected_version) for each in appends]
        return [AppendResult(stream_version=row[0], position=row[1]) for row in rows]

    async def _append_together(self, params: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        with _translated_errors():
            try:
                async with self._pool.connection() as conn:
                    with timed("append_many", "eventstore.events"):
                        return await _append_in_one_transaction(conn, params)
            except psycopg.Error as error:
                if error.sqlstate in _REFUSED_SQLSTATES or isinstance(error, _REFUSED_DATA):
                    raise _RefusedAppend from None
                raise

    async def read_stream(
        self,
        stream: str,
        *,
        from_version: int = 1,
        to_version: int | None = None,
        backwards: bool = False,
        limit: int | None = None,
    ) -> list[RecordedEvent]:
        try:
            check_stream_name(stream)
        except EventStoreError:
            return []  # append never accepts such a name, so no events can live under it
        query = _READ_STREAM_BACKWARDS if backwards else _READ_STREAM_FORWARDS
        top = MAX_BIGINT if to_version is None else as_bigint(to_version)
        bounded_limit = None if limit is None else as_bigint(limit)
        params = (stream, as_bigint(from_version), top, bounded_limit)
        return await self._fetch_events("read_stream", query, params)

    async def read_all(self, *, after: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        return await self._fetch_events("read_all", _READ_ALL, (as_bigint(after), as_bigint(limit)))

    def subscribe_all(self, *, after: int = 0) -> AsyncIterator[RecordedEvent]:
        return self._subscriptions.follow(after)

    async def correlated(
        self, correlation_id: UUID, *, after: int = 0, limit: int = 1000
    ) -> list[RecordedEvent]:
        """The `CorrelationIndex` of audits: through the index of migration 5."""
        params = (correlation_id, as_bigint(after), as_bigint(limit))
        return await self._fetch_events("correlated", _CORRELATED, params)

    async def current_position(self) -> int:
        with _translated_errors():
            async with self._pool.connection() as conn:
                with timed("current_position", "eventstore.events"):
                    cursor = await conn.execute(_CURRENT_POSITION, prepare=False)
                    row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def close(self) -> None:
        await self._subscriptions.close()
        await self._pool.close()

    async def _fetch_events(
        self, operation: Operation, query: str, params: tuple[Any, ...]
    ) -> list[RecordedEvent]:
        with _translated_errors():
            async with self._pool.connection() as conn:
                with timed(operation, "eventstore.events"):
                    cursor = conn.cursor(binary=True)
                    await cursor.execute(query, params, prepare=False)
                    rows = await cursor.fetchall()
                return decode_rows(rows)


def _append_params(
    stream: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
) -> tuple[Any, ...]:
    check_stream_name(stream)
    event_ids = [event.event_id for event in events]
    if len(set(event_ids)) != len(event_ids):
        raise DuplicateEventId("the same event id appears twice in one append")
    return (
        stream,
        expected_as_sql(expected_version),
        event_ids,
        [event.type for event in events],
        [event.schema_version for event in events],
        encode_data(events),
        *encode_metadata(events),
        encode_recorded_times(events),
    )


async def _append_in_one_transaction(
    conn: psycopg.AsyncConnection[Any], params: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Raises the first failing statement's psycopg error (on leaving the pipeline, which is why the rows
    are fetched only after it), and the transaction rolls back."""
    async with conn.transaction():
        cursors = [conn.cursor(binary=True) for _ in params]
        async with conn.pipeline():
            for cursor, each in zip(cursors, params, strict=True):
                await cursor.execute(_APPEND, each)
        rows = [await cursor.fetchone() for cursor in cursors]
    return [row for row in rows if row is not None]


async def use_utc(conn: psycopg.AsyncConnection[Any]) -> None:
    """Pool `configure` hook: timestamps come back in UTC whatever the server's default zone."""
    await conn.execute("SET TIME ZONE 'UTC'")


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Turn psycopg and pool errors into our own at the adapter boundary."""
    try:
        yield
    except (psycopg.OperationalError, psycopg.InterfaceError) as error:
        raise EventStoreUnavailable("PostgreSQL event store is unavailable") from error
    except (pg_errors.UndefinedTable, pg_errors.UndefinedFunction, pg_errors.InvalidSchemaName) as error:
        raise EventStoreUnavailable(
            "event store schema missing: run adapters.postgres.schema.migrate"
        ) from error
    except psycopg.DataError as error:  # its message may quote the payload: do not chain it
        raise EventStoreError(f"PostgreSQL rejected the event data ({error.sqlstate})") from None
    except psycopg.Error as error:
        raise EventStoreError(f"PostgreSQL event store error {error.sqlstate}") from error
