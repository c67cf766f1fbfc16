"""`PostgresSeals`: the seals of stream heads in `audit.seals` (created by `migrate_audit`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from adapters.postgres.pool import open_pool
from application.integrity.seals import Seal, SealsUnavailable

_ADD = """
INSERT INTO audit.seals (stream, version, chain_hash, sealed_at)
SELECT * FROM unnest(%s::text[], %s::bigint[], %s::bytea[], %s::timestamptz[])
ON CONFLICT (stream, version) DO NOTHING
"""
_COLUMNS = "stream, version, chain_hash, sealed_at"
_ALL = f"SELECT {_COLUMNS} FROM audit.seals ORDER BY stream, version"
_OF_STREAM = f"SELECT {_COLUMNS} FROM audit.seals WHERE stream = %s ORDER BY version"
_ROWS_PER_INSERT = 10_000


class PostgresSeals:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    @classmethod
    async def connect(cls, conninfo: str) -> PostgresSeals:
        with _translated_errors():
            return cls(await open_pool(conninfo, min_size=1, max_size=2))

    async def add(self, seals: Sequence[Seal]) -> int:
        added = 0
        with _translated_errors():
            async with self._pool.connection() as conn, conn.transaction():
                for start in range(0, len(seals), _ROWS_PER_INSERT):
                    chunk = seals[start : start + _ROWS_PER_INSERT]
                    cursor = await conn.execute(
                        _ADD,
                        (
                            [seal.stream for seal in chunk],
                            [seal.version for seal in chunk],
                            [
                                None if seal.chain_hash is None else bytes.fromhex(seal.chain_hash)
                                for seal in chunk
                            ],
                            [seal.sealed_at for seal in chunk],
                        ),
                    )
                    added += cursor.rowcount
        return added

    async def of_stream(self, stream: str) -> list[Seal]:
        return [_seal(row) for row in await self._fetch(_OF_STREAM, (stream,))]

    async def all(self) -> dict[str, list[Seal]]:
        by_stream: dict[str, list[Seal]] = {}
        for row in await self._fetch(_ALL, ()):
            seal = _seal(row)
            by_stream.setdefault(seal.stream, []).append(seal)
        return by_stream

    async def close(self) -> None:
        await self._pool.close()

    async def _fetch(self, query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with _translated_errors():
            async with self._pool.connection() as conn:
                cursor = await conn.execute(query, params)
                return await cursor.fetchall()


def _seal(row: tuple[Any, ...]) -> Seal:
    stream, version, chain_hash, sealed_at = row
    return Seal(stream, version, None if chain_hash is None else bytes(chain_hash).hex(), sealed_at)


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except (psycopg.Error, PoolTimeout) as error:
        raise SealsUnavailable(f"PostgreSQL seals failed ({type(error).__name__})") from error
