"""`PostgresSnapshots`: snapshots in `eventstore.snapshots` (created by `adapters.postgres.schema.migrate`).

PostgreSQL is there in every deployment, also with KurrentDB as the event store. One row per stream;
a save replaces it only with a later stream version, so concurrent writers never move it backwards.
A row this code cannot read (its remembered commands malformed) counts as no snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import orjson
import psycopg
from psycopg_pool import AsyncConnectionPool

from application.snapshots import RecentCommand, Snapshot, SnapshotsUnavailable

_LOAD = (
    "SELECT stream_version, position, last_event_id, state_type, schema_version, state::text,"
    " recent_commands::text FROM eventstore.snapshots WHERE stream = %s"
)
_SAVE = """
INSERT INTO eventstore.snapshots AS s
    (stream, stream_version, position, last_event_id, state_type, schema_version, state, recent_commands)
VALUES (%s, %s, %s, %s, %s, %s, %s::json, %s::json)
ON CONFLICT (stream) DO UPDATE SET
    stream_version = excluded.stream_version, position = excluded.position,
    last_event_id = excluded.last_event_id, state_type = excluded.state_type,
    schema_version = excluded.schema_version, state = excluded.state,
    recent_commands = excluded.recent_commands, taken_at = now()
WHERE s.stream_version < excluded.stream_version
"""


class PostgresSnapshots:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    @classmethod
    async def connect(cls, conninfo: str, *, min_size: int = 1, max_size: int = 10) -> PostgresSnapshots:
        with _translated_errors():  # one direct attempt: a bad address fails now, not after the pool's wait
            probe = await psycopg.AsyncConnection.connect(conninfo)
            await probe.close()
        pool = AsyncConnectionPool(
            conninfo, min_size=min_size, max_size=max_size, kwargs={"autocommit": True}, open=False
        )
        try:
            with _translated_errors():
                await pool.open(wait=True, timeout=10.0)
        except BaseException:
            await pool.close()
            raise
        return cls(pool)

    async def load(self, stream: str) -> Snapshot | None:
        with _translated_errors():
            async with self._pool.connection() as conn:
                cursor = await conn.execute(_LOAD, (stream,))
                row = await cursor.fetchone()
        return None if row is None else _snapshot(stream, row)

    async def save(self, snapshot: Snapshot) -> None:
        commands = [[str(c.command_id), c.first_version, c.last_version] for c in snapshot.recent_commands]
        params = (
            snapshot.stream,
            snapshot.stream_version,
            snapshot.position,
            snapshot.last_event_id,
            snapshot.state_type,
            snapshot.schema_version,
            orjson.dumps(snapshot.state).decode(),
            orjson.dumps(commands).decode(),
        )
        with _translated_errors():
            async with self._pool.connection() as conn:
                await conn.execute(_SAVE, params)

    async def close(self) -> None:
        await self._pool.close()


def _snapshot(stream: str, row: tuple[Any, ...]) -> Snapshot | None:
    stream_version, position, last_event_id, state_type, schema_version, state, commands = row
    try:
        data = orjson.loads(state)
        recent = tuple(
            RecentCommand(UUID(command_id), int(first), int(last))
            for command_id, first, last in orjson.loads(commands)
        )
    except (orjson.JSONDecodeError, TypeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return Snapshot(stream, stream_version, position, last_event_id, state_type, schema_version, data, recent)


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Every PostgreSQL failure is `SnapshotsUnavailable`: the caller then folds whole streams."""
    try:
        yield
    except psycopg.Error as error:
        raise SnapshotsUnavailable(f"PostgreSQL snapshots failed ({type(error).__name__})") from error
