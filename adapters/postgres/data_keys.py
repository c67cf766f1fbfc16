"""`PostgresDataKeys`: each person's data key in `privacy.data_keys` (created by `migrate_privacy`).

Forgetting sets the key to NULL and records when (a tombstone), then vacuums the table so the key's old
row version does not linger in the table's pages; what PostgreSQL's write-ahead log and backups still
hold of it ages out with them (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from uuid import UUID

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from adapters.postgres.pool import open_pool
from application.privacy.keys import DataKeysUnavailable
from domain.users.errors import UserErased

# The insert and the read of an existing row in one round trip. A row committed by a racing caller after
# this statement's snapshot is neither inserted over nor seen: then the statement returns nothing and is
# run again (it sees the row next time).
_KEY_TO_SEAL = """
WITH inserted AS (
    INSERT INTO privacy.data_keys (subject, data_key) VALUES (%(subject)s, %(key)s)
    ON CONFLICT (subject) DO NOTHING
    RETURNING data_key
)
SELECT data_key FROM inserted
UNION ALL
SELECT data_key FROM privacy.data_keys WHERE subject = %(subject)s
LIMIT 1
"""
_KEYS_TO_OPEN = (
    "SELECT subject, data_key FROM privacy.data_keys WHERE subject = ANY(%s) AND data_key IS NOT NULL"
)
_HELD = "SELECT data_key IS NOT NULL FROM privacy.data_keys WHERE subject = %s FOR UPDATE"
_FORGET = """
INSERT INTO privacy.data_keys (subject, data_key, forgotten_at) VALUES (%s, NULL, now())
ON CONFLICT (subject) DO UPDATE
SET data_key = NULL, forgotten_at = COALESCE(privacy.data_keys.forgotten_at, now())
"""
_IS_FORGOTTEN = "SELECT forgotten_at IS NOT NULL FROM privacy.data_keys WHERE subject = %s"
_ATTEMPTS = 3


class PostgresDataKeys:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    @classmethod
    async def connect(cls, conninfo: str, *, max_size: int = 4) -> PostgresDataKeys:
        with _translated_errors():
            return cls(await open_pool(conninfo, min_size=1, max_size=max_size))

    async def key_to_seal(self, subject: UUID, new_key: bytes) -> bytes:
        with _translated_errors():
            async with self._pool.connection() as conn:
                for _attempt in range(_ATTEMPTS):
                    cursor = await conn.execute(_KEY_TO_SEAL, {"subject": subject, "key": new_key})
                    row = await cursor.fetchone()
                    if row is None:
                        continue
                    if row[0] is None:
                        raise UserErased()
                    return bytes(row[0])
        raise DataKeysUnavailable("the data key could not be read back after it was made")

    async def keys_to_open(self, subjects: Collection[UUID]) -> Mapping[UUID, bytes]:
        if not subjects:
            return {}
        with _translated_errors():
            async with self._pool.connection() as conn:
                cursor = await conn.execute(_KEYS_TO_OPEN, (list(subjects),))
                return {subject: bytes(key) for subject, key in await cursor.fetchall()}

    async def forget(self, subject: UUID) -> bool:
        with _translated_errors():
            async with self._pool.connection() as conn:
                async with conn.transaction():
                    held = await (await conn.execute(_HELD, (subject,))).fetchone()
                    await conn.execute(_FORGET, (subject,))
                # Outside the transaction: VACUUM cannot run inside one.
                await conn.execute("VACUUM privacy.data_keys")
        return held is not None and bool(held[0])

    async def is_forgotten(self, subject: UUID) -> bool:
        with _translated_errors():
            async with self._pool.connection() as conn:
                row = await (await conn.execute(_IS_FORGOTTEN, (subject,))).fetchone()
        return row is not None and bool(row[0])

    async def close(self) -> None:
        await self._pool.close()


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except (psycopg.Error, PoolTimeout) as error:
        raise DataKeysUnavailable(f"PostgreSQL data keys failed ({type(error).__name__})") from error
