"""`PostgresRefreshTokens`: refresh-token families in `auth_tokens.refresh_tokens` (`auth_schema`).

Every change to a family (rotation, revocation) first locks the family's first row (`id = family_id`)
with SELECT ... FOR UPDATE. Locking only the presented row would not do: a revocation running beside a
rotation could miss the child the rotation inserts. With the family lock they take turns, and so do
concurrent refreshes of one token: the first rotates it, the others find it rotated a moment ago and,
within the reuse interval, get the successor's seal (application.refresh_successors) instead of revoking.

`auth_tokens.session_revisions` counts the changes to each user's sessions (new family, revocation,
role change) for the session cache: see `live_sessions` and `application.session_check`.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.pool import open_pool
from application.auth_errors import (
    RefreshTokenExpired,
    RefreshTokenInvalid,
    RefreshTokenReused,
    RefreshTokenRevoked,
    TokenStoreUnavailable,
)
from application.auth_ports import LiveSessions, NewRefreshToken, RefreshFamily, Rotation

log = logging.getLogger("fitcoach.auth.refresh_tokens")

# The SQL, on `auth_tokens.refresh_tokens` and `auth_tokens.session_revisions`.
INSERT = (
    "INSERT INTO auth_tokens.refresh_tokens"
    " (id, family_id, user_id, token_hash, parent_id, issued_at, expires_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s)"
)
# A new family raises the user's session revision in the same statement (see `live_sessions`).
START_FAMILY = f"""
WITH token AS ({INSERT} RETURNING user_id)
INSERT INTO auth_tokens.session_revisions AS r (user_id, revision) SELECT user_id, 1 FROM token
ON CONFLICT (user_id) DO UPDATE SET revision = r.revision + 1
"""
SESSIONS_CHANGED = (
    "INSERT INTO auth_tokens.session_revisions AS r (user_id, revision) VALUES (%s, 1)"
    " ON CONFLICT (user_id) DO UPDATE SET revision = r.revision + 1 RETURNING revision"
)
# One statement, so the revision and the families come from the same snapshot.
LIVE_SESSIONS = """
SELECT coalesce((SELECT revision FROM auth_tokens.session_revisions WHERE user_id = %(user_id)s), 0),
       ARRAY(SELECT DISTINCT family_id FROM auth_tokens.refresh_tokens
              WHERE user_id = %(user_id)s AND revoked_at IS NULL AND expires_at > %(now)s)
"""
FAMILY_OF = "SELECT family_id FROM auth_tokens.refresh_tokens WHERE token_hash = %s"
LOCK_FAMILY = "SELECT 1 FROM auth_tokens.refresh_tokens WHERE id = %s FOR UPDATE"
LOCK_USERS_FAMILY = "SELECT 1 FROM auth_tokens.refresh_tokens WHERE id = %s AND user_id = %s FOR UPDATE"
TOKEN = (
    "SELECT id, user_id, expires_at, rotated_at, revoked_at, parent_id, successor_seal"
    " FROM auth_tokens.refresh_tokens WHERE token_hash = %s"
)
# The successor of a rotated token, if it is still the family's live, unused token.
LIVE_SUCCESSOR = (
    "SELECT id, token_hash, issued_at, expires_at FROM auth_tokens.refresh_tokens"
    " WHERE parent_id = %(id)s AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > %(now)s"
)
MARK_ROTATED = "UPDATE auth_tokens.refresh_tokens SET rotated_at = %s, successor_seal = %s WHERE id = %s"
# Once a token is rotated, the seal its parent kept can no longer be used: drop it.
DROP_SEAL = "UPDATE auth_tokens.refresh_tokens SET successor_seal = NULL WHERE id = %s"
REVOKE_FAMILY = (
    "UPDATE auth_tokens.refresh_tokens SET revoked_at = %s, successor_seal = NULL"
    " WHERE family_id = %s AND revoked_at IS NULL"
)
LOCK_USER_FAMILIES = (
    "SELECT id FROM auth_tokens.refresh_tokens WHERE user_id = %s AND parent_id IS NULL"
    " ORDER BY id FOR UPDATE"
)
REVOKE_USER = (
    "UPDATE auth_tokens.refresh_tokens SET revoked_at = %s, successor_seal = NULL"
    " WHERE user_id = %s AND revoked_at IS NULL"
)
PURGE = (
    "DELETE FROM auth_tokens.refresh_tokens WHERE family_id IN ("
    " SELECT family_id FROM auth_tokens.refresh_tokens GROUP BY family_id HAVING max(expires_at) < %s)"
)


class _Outcome(enum.Enum):
    ROTATED = "rotated"
    REPEATED = "repeated"
    REUSED = "reused"
    REVOKED = "revoked"
    EXPIRED = "expired"


class PostgresRefreshTokens:
    def __init__(self, pool: AsyncConnectionPool, *, owns_pool: bool = False) -> None:
        self._pool = pool
        self._owns_pool = owns_pool

    @classmethod
    async def connect(cls, conninfo: str, *, min_size: int = 1, max_size: int = 5) -> PostgresRefreshTokens:
        with _translated_errors():
            pool = await open_pool(conninfo, min_size=min_size, max_size=max_size)
        return cls(pool, owns_pool=True)

    async def close(self) -> None:
        if self._owns_pool:
            await self._pool.close()

    async def start_family(self, user_id: UUID, token: NewRefreshToken) -> RefreshFamily:
        family = RefreshFamily(family_id=token.token_id, user_id=user_id)
        with _translated_errors():
            async with self._pool.connection() as conn:
                await conn.execute(START_FAMILY, _row(token, family, parent_id=None))
        return family

    async def rotate(
        self,
        presented_hash: bytes,
        child: NewRefreshToken,
        sealed_child: bytes,
        now: datetime,
        *,
        reuse_interval: timedelta,
    ) -> Rotation:
        rotation: Rotation | None = None
        with _translated_errors():
            async with self._pool.connection() as conn, conn.transaction():
                family_id = await _family_of(conn, presented_hash)
                if family_id is None:
                    raise RefreshTokenInvalid()
                await conn.execute(LOCK_FAMILY, (family_id,))
                token_id, user_id, expires_at, rotated_at, revoked_at, parent_id, seal = await _token(
                    conn, presented_hash
                )
                family = RefreshFamily(family_id=family_id, user_id=user_id)
                if revoked_at is not None:
                    outcome = _Outcome.REVOKED
                elif rotated_at is not None:
                    if seal is not None and now - rotated_at < reuse_interval:
                        rotation = await _repeat(conn, family, token_id, bytes(seal), now)
                    if rotation is not None:
                        outcome = _Outcome.REPEATED
                    else:
                        # A rotated token came back: it was copied. End every session of the family.
                        await conn.execute(REVOKE_FAMILY, (now, family_id))
                        outcome = _Outcome.REUSED
                elif expires_at <= now:
                    outcome = _Outcome.EXPIRED
                else:
                    await conn.execute(MARK_ROTATED, (now, sealed_child, token_id))
                    if parent_id is not None:
                        await conn.execute(DROP_SEAL, (parent_id,))
                    await conn.execute(INSERT, _row(child, family, parent_id=token_id))
                    outcome = _Outcome.ROTATED
        # Raised after the commit, so a reuse's revocation is kept.
        match outcome:
            case _Outcome.ROTATED:
                return Rotation(family, child)
            case _Outcome.REPEATED:
                assert rotation is not None
                log.info("refresh token repeated within the reuse interval: family %s", family_id)
                return rotation
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
                await conn.execute(LOCK_FAMILY, (family_id,))
                _, user_id, *_ = await _token(conn, presented_hash)
                await conn.execute(REVOKE_FAMILY, (now, family_id))
        return RefreshFamily(family_id=family_id, user_id=user_id)

    async def revoke_user(self, user_id: UUID, now: datetime) -> int:
        with _translated_errors():
            async with self._pool.connection() as conn, conn.transaction():
                await conn.execute(LOCK_USER_FAMILIES, (user_id,))
                cursor = await conn.execute(REVOKE_USER, (now, user_id))
                return cursor.rowcount

    async def revoke_session(self, user_id: UUID, family_id: UUID, now: datetime) -> bool:
        with _translated_errors():
            async with self._pool.connection() as conn, conn.transaction():
                cursor = await conn.execute(LOCK_USERS_FAMILY, (family_id, user_id))
                if await cursor.fetchone() is None:
                    return False
                await conn.execute(REVOKE_FAMILY, (now, family_id))
        return True

    async def live_sessions(self, user_id: UUID, now: datetime) -> LiveSessions:
        with _translated_errors():
            async with self._pool.connection() as conn:
                cursor = await conn.execute(LIVE_SESSIONS, {"user_id": user_id, "now": now})
                row = await cursor.fetchone()
        assert row is not None
        return LiveSessions(user_id, frozenset(row[1]), int(row[0]))

    async def sessions_changed(self, user_id: UUID) -> int:
        with _translated_errors():
            async with self._pool.connection() as conn:
                cursor = await conn.execute(SESSIONS_CHANGED, (user_id,))
                row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def purge_expired(self, before: datetime) -> int:
        """Delete the families whose every token expired before `before`; the number of rows deleted."""
        with _translated_errors():
            async with self._pool.connection() as conn:
                cursor = await conn.execute(PURGE, (before,))
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


async def _repeat(
    conn: psycopg.AsyncConnection[Any], family: RefreshFamily, token_id: UUID, seal: bytes, now: datetime
) -> Rotation | None:
    """The answer to a repeat of the rotated token `token_id`: its successor, if still live and unused."""
    cursor = await conn.execute(LIVE_SUCCESSOR, {"id": token_id, "now": now})
    row = await cursor.fetchone()
    if row is None:
        return None
    successor_id, token_hash, issued_at, expires_at = row
    successor = NewRefreshToken(UUID(str(successor_id)), bytes(token_hash), issued_at, expires_at)
    return Rotation(family, successor, repeated_seal=seal)


async def _family_of(conn: psycopg.AsyncConnection[Any], presented_hash: bytes) -> UUID | None:
    cursor = await conn.execute(FAMILY_OF, (presented_hash,))
    row = await cursor.fetchone()
    return None if row is None else UUID(str(row[0]))


async def _token(conn: psycopg.AsyncConnection[Any], presented_hash: bytes) -> tuple[Any, ...]:
    cursor = await conn.execute(TOKEN, (presented_hash,))
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
