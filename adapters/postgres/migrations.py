"""Numbered, append-only schema migrations, each applied once in its own transaction and recorded.

Concurrent callers (several replicas starting at once) are serialised by a transaction-level advisory lock.
To change a schema, append a new `Migration`; never edit one that may have been applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


async def apply_migrations(
    conninfo: str, *, schema: str, ledger: str, migrations: Sequence[Migration], lock_key: int
) -> None:
    """Apply what `schema.ledger` has not recorded yet. Raises psycopg errors for the caller to translate."""
    ledger_table = sql.Identifier(schema, ledger)
    create = sql.SQL(
        "CREATE SCHEMA IF NOT EXISTS {schema}; CREATE TABLE IF NOT EXISTS {ledger} ("
        " version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
    ).format(schema=sql.Identifier(schema), ledger=ledger_table)
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
        for migration in migrations:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key,))
                await conn.execute(create)
                applied = await conn.execute(
                    sql.SQL("SELECT 1 FROM {} WHERE version = %s").format(ledger_table), (migration.version,)
                )
                if await applied.fetchone() is not None:
                    continue
                await conn.execute(migration.sql.encode())
                await conn.execute(
                    sql.SQL("INSERT INTO {} (version, name) VALUES (%s, %s)").format(ledger_table),
                    (migration.version, migration.name),
                )
