"""Explicit, idempotent migration of the `auth` schema's token tables (`auth.refresh_tokens`).

Run `await migrate_auth(conninfo)` from deployment tooling or test setup, like `postgres_schema.migrate`.
Applied migrations are recorded in `auth.token_schema_migrations` (its own table, so that other owners
of the `auth` schema, such as the users read model, keep their own bookkeeping).
"""

from __future__ import annotations

import psycopg

from adapters.postgres_migrations import Migration, apply_migrations
from application.auth_errors import TokenStoreUnavailable

_MIGRATION_LOCK_KEY = 7_461_029_318_447_203  # any constant, distinct from the other schemas' keys

# One row per refresh token. A family is every token rotated from one sign-in; its first token's id is
# the family id, and that row is the family's lock (see PostgresRefreshTokens). Only SHA-256 hashes of
# tokens are stored.
_CREATE_REFRESH_TOKENS = """
CREATE TABLE auth.refresh_tokens (
    id uuid PRIMARY KEY,
    family_id uuid NOT NULL,
    user_id uuid NOT NULL,
    token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    parent_id uuid REFERENCES auth.refresh_tokens (id),
    issued_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    rotated_at timestamptz,
    revoked_at timestamptz,
    CHECK ((parent_id IS NULL) = (id = family_id))
);
CREATE INDEX refresh_tokens_family_idx ON auth.refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON auth.refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires_idx ON auth.refresh_tokens (expires_at);
"""

MIGRATIONS: tuple[Migration, ...] = (Migration(1, "refresh tokens", _CREATE_REFRESH_TOKENS),)


async def migrate_auth(conninfo: str) -> None:
    """Bring the token tables up to date; safe to call repeatedly and concurrently."""
    try:
        await apply_migrations(
            conninfo,
            schema="auth",
            ledger="token_schema_migrations",
            migrations=MIGRATIONS,
            lock_key=_MIGRATION_LOCK_KEY,
        )
    except psycopg.Error as error:
        raise TokenStoreUnavailable() from error
