"""`PostgresRefreshTokens`: refresh-token families in `auth.refresh_tokens` (schema: postgres_auth_schema).

Every change to a family (rotation, revocation) first locks the family's first row (`id = family_id`)
with SELECT ... FOR UPDATE. Locking only the presented row would not do: a revocation running beside a
rotation could miss the child the rotation inserts. With the family lock they take turns.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg_pool import AsyncConnectionPool

from application.auth_errors import (
    RefreshTokenExpired,
    RefreshTokenInvalid,
    RefreshTokenReused,
    RefreshTokenRevoked,
    TokenStoreUnavailable,
)
from application.auth_ports import NewRefreshToken, RefreshFamily

log = logging.getLogger("fitcoach.auth.refresh_tokens")

_INSERT = (
    "INSERT INTO auth.refresh_tokens (id, family_id, user_id, token_hash, parent_id, issued_at, expires_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s)"
)
_FAMILY_OF = "SELECT family_id FROM auth.refresh_tokens WHERE token_hash = %s"
_LOCK_FAMILY = "SELECT 1 FROM auth.refresh_tokens WHERE id = %s FOR UPDATE"
_TOKEN = (
    "SELECT id, user_id, expires_at, rotated_at, revoked_at FROM auth.refresh_tokens WHERE token_hash = %s"
)
_MARK_ROTATED = "UPDATE auth.refresh_tokens SET rotated_at = %s WHERE id = %s"
_REVOKE_FAMILY = "UPDATE auth.refresh_tokens SET revoked_at = %s WHERE family_id = %s AND revoked_at IS NULL"
_LOCK_USER_FAMILIES = (
    "SELECT id FROM auth.refresh_tokens WHERE user_id = %s AND parent_id IS NULL ORDER BY id FOR UPDATE"
)
_REVOKE_USER = "UPDATE auth.refresh_tokens SET revoked_at = %s WHERE user_id = %s AND revoked_at IS NULL"
_PURGE = (
    "DELETE FROM auth.refresh_tokens WHERE family_id IN ("
    " SELECT family_id FROM auth.refresh_tokens GROUP BY family_id HAVING max(expires_at) < %s)"
)


class _Outcome(enum.Enum):
    ROTATED = "rotated"
    REUSED = "reused"
    REVOKED = "revoked"
    EXPIRED = "expired"


class PostgresRefreshTokens:
    def __init__(self, pool: AsyncConnectionPool, *, owns_pool: bool = False) -> None:
        self._pool = pool
        self._owns_pool = owns_pool

    @classmethod
    async def connect(cls, conninfo: str, *, min_size: int = 1, max_size: int = 5) -> PostgresRefreshTokens:
        pool = AsyncConnectionPool(
            conninfo, min_size=min_size, max_size=max_size, kwargs={"autocommit": True}, open=False
        )
        try:
            with _translated_errors():
                await pool.open(wait=True, timeout=10.0)
        except BaseException:
            await pool.close()
            raise
        return cls(pool, owns_pool=True)

    async def close(self) -> None:
        if self._owns_pool:
            await self._pool.close()

    async def start_family(self, user_id: UUID, token: NewRefreshToken) -> RefreshFamily:
        family = RefreshFamily(family_id=token.token_id, user_id=user_id)
        with _translated_errors():
            async with self._pool.connection() as conn:
                await conn.execute(_INSERT, _row(token, family, parent_id=None))
        return family

    async def rotate(self, presented_hash: bytes, child: NewRefreshToken, now: datetime) -> RefreshFamily:
        with _translated_errors():
            async with self._pool.connection() as conn, conn.transaction():
                family_id = await _family_of(conn, presented_hash)
                if family_id is None:
                    raise RefreshTokenInvalid()
                await conn.execute(_LOCK_FAMILY, (family_id,))
                token_id, user_id, expires_at, rotated_at, revoked_at = await _token(conn, presented_hash)
                family = RefreshFamily(family_id=family_id, user_id=user_id)
                if revoked_at is not None:
                    outcome = _Outcome.REVOKED
                elif rotated_at is not None:
                    # A rotated token came back: it was copied. End every session of the family.
                    await conn.execute(_REVOKE_FAMILY, (now, family_id))
                    outcome = _Outcome.REUSED
                elif expires_at <= now:
                    outcome = _Outcome.EXPIRED
                else:
                    await conn.execute(_MARK_ROTATED, (now, token_id))
                    await conn.execute(_INSERT, _row(child, family, parent_id=token_id))
                    outcome = _Outcome.ROTATED
        # Raised after the commit, so a reuse's revocation is kept.
        match outcome:
            case _Outcome.ROTATED:
                return family
            case _Outcome.REUSED:
                log.warning("refresh token reused: family %s of user %s revoked", family_id, user_id)
                raise RefreshTokenReused()
            case _Outcome.REVOKED:
                raise RefreshTokenRevoked()
            case _Outcome.EXPIRED:
                raise RefreshTokenExpired()

    async def revoke_family(self, presented_hash: bytes, now: datetime) -> RefreshFamily | None:
        with _translated_errors():
            async with self._pool.connection() as conn, conn.transaction():
                family_id = await _family_of(conn, presented_hash)
                if family_id is None:
                    return None
                await conn.execute(_LOCK_FAMILY, (family_id,))
                _, user_id, *_ = await _token(conn, presented_hash)
                await conn.execute(_REVOKE_FAMILY, (now, family_id))
        return RefreshFamily(family_id=family_id, user_id=user_id)

    async def revoke_user(self, user_id: UUID, now: datetime) -> int:
        with _translated_errors():
            async with self._pool.connection() as conn, conn.transaction():
                await conn.execute(_LOCK_USER_FAMILIES, (user_id,))
                cursor = await conn.execute(_REVOKE_USER, (now, user_id))
                return cursor.rowcount

    async def purge_expired(self, before: datetime) -> int:
        """Delete the families whose every token expired before `before`; the number of rows deleted."""
        with _translated_errors():
            async with self._pool.connection() as conn:
                cursor = await conn.execute(_PURGE, (before,))
                return cursor.rowcount


def _row(token: NewRefreshToken, family: RefreshFamily, parent_id: UUID | None) -> tuple[Any, ...]:
    return (
        token.token_id,
        family.family_id,
        family.user_id,
        token.token_hash,
        parent_id,
        token.issued_at,
        token.expires_at,
    )


async def _family_of(conn: psycopg.AsyncConnection[Any], presented_hash: bytes) -> UUID | None:
    cursor = await conn.execute(_FAMILY_OF, (presented_hash,))
    row = await cursor.fetchone()
    return None if row is None else UUID(str(row[0]))


async def _token(conn: psycopg.AsyncConnection[Any], presented_hash: bytes) -> tuple[Any, ...]:
    cursor = await conn.execute(_TOKEN, (presented_hash,))
    row = await cursor.fetchone()
    if row is None:  # purged between the two reads
        raise RefreshTokenInvalid()
    return tuple(row)


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except psycopg.Error as error:
        log.warning("refresh-token store error %s (%s)", type(error).__name__, error.sqlstate)
        raise TokenStoreUnavailable() from error
