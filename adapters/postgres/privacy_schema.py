"""Explicit, idempotent migration of schema `privacy`: each person's data key (`application.privacy`).

Run `await migrate_privacy(conninfo)` like the other schemas' migrations (`fitcoach migrate` runs them
all). The keys live in PostgreSQL in every deployment, also next to KurrentDB: never in the log.
"""

from __future__ import annotations

import psycopg

from adapters.postgres.migrations import Migration, apply_migrations
from application.privacy.keys import DataKeysUnavailable

SCHEMA = "privacy"
_MIGRATION_LOCK_KEY = 7_461_029_318_447_207  # any constant, distinct from the other schemas' keys

# A forgotten subject keeps a row without a key (a tombstone): a key is never made for them again.
_DATA_KEYS = """
CREATE TABLE privacy.data_keys (
    subject uuid PRIMARY KEY,
    data_key bytea CHECK (data_key IS NULL OR octet_length(data_key) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    forgotten_at timestamptz,
    CHECK ((data_key IS NULL) = (forgotten_at IS NOT NULL))
);
"""

MIGRATIONS: tuple[Migration, ...] = (Migration(1, "data keys of data subjects", _DATA_KEYS),)


async def migrate_privacy(conninfo: str) -> None:
    """Bring schema `privacy` up to date; safe to call repeatedly and concurrently."""
    try:
        await apply_migrations(
            conninfo,
            schema=SCHEMA,
            ledger="schema_migrations",
            migrations=MIGRATIONS,
            lock_key=_MIGRATION_LOCK_KEY,
        )
    except psycopg.Error as error:
        raise DataKeysUnavailable(f"privacy schema migration failed ({type(error).__name__})") from error
