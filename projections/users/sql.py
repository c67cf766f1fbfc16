"""SQL of the `auth.users` read model, for any schema (`auth`, or `auth__rebuild` during a rebuild).

Writes are set-based: one upsert per batch, arrays in, `unnest` out, guarded by the stored stream
version. No password hash column exists, so none can be written.

The email index is unique but checked at commit (DEFERRABLE INITIALLY DEFERRED). Uniqueness itself is
decided by the event-sourced email claims; the index only mirrors it. Within one batch a row-by-row
check could trip over a legitimate sequence, such as one user giving up an address another then takes,
or two users trading addresses, when the upsert happens to reach the taker's row first. At commit the
rows describe one point of the log, where the claims guarantee that no two users share an address.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from uuid import UUID

from psycopg import sql

from domain.users import ForgottenUser, user_stream
from projections.projection import Connection
from projections.users.fold import Tracks, UserTrack, track_from_row, user_row

_DDL = """
CREATE TABLE IF NOT EXISTS {s}.users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    display_name text NOT NULL,
    date_of_birth date,
    gender text,
    height_cm double precision,
    weight_kg double precision,
    fitness_level text,
    preferences jsonb NOT NULL,
    goals jsonb NOT NULL,
    injuries jsonb NOT NULL,
    available_equipment jsonb NOT NULL,
    identity_providers jsonb NOT NULL,
    role text NOT NULL CHECK (role IN ('user', 'admin')),
    version int NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    last_position bigint NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email) DEFERRABLE INITIALLY DEFERRED
);
"""
COLUMNS = (
    "id", "email", "display_name", "date_of_birth", "gender", "height_cm", "weight_kg", "fitness_level",
    "preferences", "goals", "injuries", "available_equipment", "identity_providers",
    "role", "version", "created_at", "updated_at", "last_position",
)  # fmt: skip
_JSON = {"preferences", "goals", "injuries", "available_equipment", "identity_providers"}
_TYPES = (
    "uuid", "text", "text", "date", "text", "float8", "float8", "text",
    "text", "text", "text", "text", "text",
    "text", "int4", "timestamptz", "timestamptz", "int8",
)  # fmt: skip
_LIST = ", ".join(COLUMNS)
_LOAD = f"SELECT {_LIST} FROM {{s}}.users WHERE id = ANY(%b::uuid[])"
_UPSERT = f"""
INSERT INTO {{s}}.users AS u ({_LIST})
SELECT {", ".join(f"{c}::jsonb" if c in _JSON else c for c in COLUMNS)}
  FROM unnest({", ".join(f"%b::{t}[]" for t in _TYPES)}) AS t({_LIST})
ON CONFLICT (id) DO UPDATE SET ({_LIST}) = ROW({", ".join(f"excluded.{c}" for c in COLUMNS)})
WHERE u.version < excluded.version
"""


@dataclass(frozen=True, slots=True)
class UsersSql:
    create_tables: sql.Composed
    load: sql.Composed
    upsert: sql.Composed
    delete: sql.Composed
    copy: sql.Composed


@lru_cache(maxsize=8)
def statements(schema: str) -> UsersSql:
    def bind(template: str) -> sql.Composed:
        return sql.SQL(template).format(s=sql.Identifier(schema))

    return UsersSql(
        create_tables=bind(_DDL),
        load=bind(_LOAD),
        upsert=bind(_UPSERT),
        delete=bind("DELETE FROM {s}.users WHERE id = ANY(%b::uuid[])"),
        copy=bind(f"COPY {{s}}.users ({_LIST}) FROM STDIN"),
    )


async def load(conn: Connection, schema: str, user_ids: Sequence[UUID]) -> Tracks:
    """The stored tracks of `user_ids` (those with a row) by stream name, in one query."""
    if not user_ids:
        return {}
    cursor = await conn.execute(statements(schema).load, (list(user_ids),))
    tracks = (track_from_row(row) for row in await cursor.fetchall())
    return {user_stream(track.user_id): track for track in tracks}


async def write(conn: Connection, schema: str, tracks: Iterable[UserTrack]) -> None:
    """Upsert the rows of the changed tracks; a row already at that version or newer stays as it is.
    A forgotten user's row is deleted: it held nothing but their personal data and role."""
    tracks = list(tracks)
    forgotten = [track.user_id for track in tracks if track.dirty and isinstance(track.state, ForgottenUser)]
    if forgotten:
        await conn.execute(statements(schema).delete, (forgotten,))
    rows = [row for track in tracks if track.dirty and (row := user_row(track)) is not None]
    if rows:
        columns = [list(column) for column in zip(*rows, strict=True)]
        await conn.execute(statements(schema).upsert, columns)
