"""Explicit, idempotent migration of schema `audit`: the seals of stream heads (`application.integrity`).

Run `await migrate_audit(conninfo)` like the other schemas' migrations (`fitcoach migrate` runs them all).
Applied migrations are recorded in `audit.schema_migrations`. Seals live in PostgreSQL in every
deployment, also next to KurrentDB, like snapshots.
"""

from __future__ import annotations

import psycopg

from adapters.postgres.migrations import Migration, apply_migrations
from application.integrity.seals import SealsUnavailable

SCHEMA = "audit"
_MIGRATION_LOCK_KEY = 7_461_029_318_447_204  # any constant, distinct from the other schemas' keys

# One row per sealed head; a row is never updated (a seal is evidence of what the head was then).
_SEALS = """
CREATE TABLE audit.seals (
    stream text NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    chain_hash bytea,
    sealed_at timestamptz NOT NULL,
    PRIMARY KEY (stream, version)
);
"""

MIGRATIONS: tuple[Migration, ...] = (Migration(1, "seals of stream heads", _SEALS),)


async def migrate_audit(conninfo: str) -> None:
    """Bring schema `audit` up to date; safe to call repeatedly and concurrently."""
    try:
        await apply_migrations(
            conninfo,
            schema=SCHEMA,
            ledger="schema_migrations",
            migrations=MIGRATIONS,
            lock_key=_MIGRATION_LOCK_KEY,
        )
    except psycopg.Error as error:
        raise SealsUnavailable(f"audit schema migration failed ({type(error).__name__})") from error
