"""The token tables live in `auth_tokens`, out of the way of the `users` projection, which owns `auth`
and replaces it whole on a rebuild. A database from before the split keeps its tokens."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from adapters.postgres.auth_schema import migrate_auth
from adapters.postgres.refresh_tokens import PostgresRefreshTokens
from adapters.postgres.schema import migrate as migrate_event_store
from application.auth_ports import NewRefreshToken
from tests.conftest import ADMIN_URL

REPO = Path(__file__).resolve().parents[2]
# What `migrate_auth` created before the split (its migration 1, and its ledger in schema auth).
LEGACY = """
CREATE SCHEMA auth;
CREATE TABLE auth.token_schema_migrations (
    version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
INSERT INTO auth.token_schema_migrations (version, name) VALUES (1, 'refresh tokens');
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
CREATE INDEX refresh_tokens_user_idx ON auth.refresh_tokens (user_id);
"""


@pytest.fixture
async def empty_url() -> AsyncIterator[str]:
    name = f"fitcoach_tokens_{uuid.uuid4().hex[:12]}"
    async with await psycopg.AsyncConnection.connect(ADMIN_URL, autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    finally:
        async with await psycopg.AsyncConnection.connect(ADMIN_URL, autocommit=True) as admin:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fitcoach(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FITCOACH_DATABASE_URL": url, "FITCOACH_EVENT_STORE": "postgres"}
    command = [sys.executable, "-m", "fitcoach.cli", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)


async def tables(url: str) -> list[str]:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = await conn.execute(
            "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname LIKE 'auth%' ORDER BY 1"
        )
        return [row[0] for row in await cursor.fetchall()]


async def test_a_database_from_before_the_split_keeps_its_tokens_through_a_users_rebuild(empty_url):
    await migrate_event_store(empty_url)
    token = b"a refresh token issued before the split"
    now = datetime.now(UTC)
    async with await psycopg.AsyncConnection.connect(empty_url, autocommit=True) as conn:
        await conn.execute(LEGACY.encode())
        family = uuid.uuid4()
        await conn.execute(
            "INSERT INTO auth.refresh_tokens (id, family_id, user_id, token_hash, issued_at, expires_at)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (family, family, uuid.uuid4(), hashlib.sha256(token).digest(), now, now + timedelta(days=1)),
        )

    for _ in range(2):
        migrated = fitcoach(empty_url, "migrate")
        assert migrated.returncode == 0, migrated.stderr
    rebuilt = fitcoach(empty_url, "projections", "rebuild", "users")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.startswith("rebuilt users:")

    assert await tables(empty_url) == [
        "auth.users",
        "auth_tokens.refresh_tokens",
        "auth_tokens.schema_migrations",
        "auth_tokens.session_revisions",
    ]
    tokens = await PostgresRefreshTokens.connect(empty_url)
    try:
        child = NewRefreshToken(uuid.uuid4(), hashlib.sha256(b"its successor").digest(), now, now)
        rotated = await tokens.rotate(
            hashlib.sha256(token).digest(), child, b"sealed", now, reuse_interval=timedelta(0)
        )
    finally:
        await tokens.close()
    assert rotated.family.family_id == family


async def test_a_fresh_database_gets_the_token_tables_in_auth_tokens(empty_url):
    for _ in range(2):
        await migrate_auth(empty_url)
    assert await tables(empty_url) == [
        "auth_tokens.refresh_tokens",
        "auth_tokens.schema_migrations",
        "auth_tokens.session_revisions",
    ]
