"""Explicit, idempotent migration of the token tables, in schema `auth_tokens`.

Run `await migrate_auth(conninfo)` from deployment tooling or test setup, like `postgres_schema.migrate`.
Applied migrations are recorded in `auth_tokens.schema_migrations`.

Why not `auth`: the `users` projection owns schema `auth` (its read model `auth.users`), and a
projection's schema is replaced wholesale by a blue/green rebuild. Tokens are not a read model (nothing
replays them), so they live beside it. A database migrated before this split has its tables in `auth`:
migration 1 moves `auth.refresh_tokens` here (rows, indexes and constraints move with it) and drops the
old ledger `auth.token_schema_migrations`, so that a later rebuild of `auth` loses nothing.
"""

from __future__ import annotations

import psycopg

from adapters.postgres.migrations import Migration, apply_migrations
from application.auth_errors import TokenStoreUnavailable

SCHEMA = "auth_tokens"
_MIGRATION_LOCK_KEY = 7_461_029_318_447_203  # any constant, distinct from the other schemas' keys

# One row per refresh token. A family is every token rotated from one sign-in; its first token's id is
# the family id, and that row is the family's lock (see PostgresRefreshTokens). Only SHA-256 hashes of
# tokens are stored (and, from migration 3, one sealed successor per family).
_REFRESH_TOKENS = """
DO $$
BEGIN
    IF to_regclass('auth.refresh_tokens') IS NOT NULL THEN
        ALTER TABLE auth.refresh_tokens SET SCHEMA auth_tokens;
    ELSE
        CREATE TABLE auth_tokens.refresh_tokens (
            id uuid PRIMARY KEY,
            family_id uuid NOT NULL,
            user_id uuid NOT NULL,
            token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
            parent_id uuid REFERENCES auth_tokens.refresh_tokens (id),
            issued_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            rotated_at timestamptz,
            revoked_at timestamptz,
            CHECK ((parent_id IS NULL) = (id = family_id))
        );
        CREATE INDEX refresh_tokens_family_idx ON auth_tokens.refresh_tokens (family_id);
        CREATE INDEX refresh_tokens_user_idx ON auth_tokens.refresh_tokens (user_id);
        CREATE INDEX refresh_tokens_expires_idx ON auth_tokens.refresh_tokens (expires_at);
    END IF;
END $$;
DROP TABLE IF EXISTS auth.token_schema_migrations;
"""

# A counter per user, raised by every change to the user's sessions that a cached answer could miss
# (a new family, a revocation, a role change): cached session answers carry it as their version.
_SESSION_REVISIONS = """
CREATE TABLE auth_tokens.session_revisions (
    user_id uuid PRIMARY KEY,
    revision bigint NOT NULL CHECK (revision > 0)
);
"""

# A rotated token keeps its successor sealed under itself (AES-GCM, key derived from the plain token),
# so that a repeat within the reuse interval gets the same successor: see application.refresh_successors.
# A repeat finds the successor by its parent_id, which the purge's foreign-key checks look up too.
_SUCCESSOR_SEALS = """
ALTER TABLE auth_tokens.refresh_tokens
    ADD COLUMN successor_seal bytea CHECK (octet_length(successor_seal) <= 256);
CREATE INDEX refresh_tokens_parent_idx ON auth_tokens.refresh_tokens (parent_id);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "refresh tokens (moved out of schema auth if there)", _REFRESH_TOKENS),
    Migration(2, "session revisions", _SESSION_REVISIONS),
    Migration(3, "sealed successors of rotated refresh tokens", _SUCCESSOR_SEALS),
)


async def migrate_auth(conninfo: str) -> None:
    """Bring the token tables up to date; safe to call repeatedly and concurrently."""
    try:
        await apply_migrations(
            conninfo,
            schema=SCHEMA,
            ledger="schema_migrations",
            migrations=MIGRATIONS,
            lock_key=_MIGRATION_LOCK_KEY,
        )
    except psycopg.Error as error:
        raise TokenStoreUnavailable() from error
