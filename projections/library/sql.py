"""SQL of the library read model, for any schema (`library`, or `library__rebuild` during a rebuild).

One upsert per batch: the rows go in as one JSON array (`jsonb_to_recordset`, as `unnest` cannot carry
arrays of arrays), the full-text vector is computed by PostgreSQL from the name (weight A) and aliases
(weight B), the trigrams come computed (`application.library_text`). The upsert is guarded by the stored
stream version, so replaying a batch changes nothing.

A slug is the id lower-cased with `_` as `-` ("Barbell_Squat" → "barbell-squat"). Two ids that differ
only in case or in `_` against `-` would share it; the later one then gets a suffix of its id's hash, so
the unique index never stops the projection. A row keeps its slug for good.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import orjson
from psycopg import sql

from projections.projection import Connection

_DDL = """
CREATE TABLE IF NOT EXISTS {s}.exercises (
    id text PRIMARY KEY,
    slug text NOT NULL,
    name text NOT NULL,
    aliases text[] NOT NULL,
    category text NOT NULL,
    force text,
    mechanic text,
    level text NOT NULL,
    equipment text[] NOT NULL,
    primary_muscles text[] NOT NULL,
    secondary_muscles text[] NOT NULL,
    patterns text[] NOT NULL,
    contraindications text[] NOT NULL,
    cues text[] NOT NULL,
    variations text[] NOT NULL,
    retired boolean NOT NULL,
    retired_reason text,
    defined_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version int NOT NULL,
    last_position bigint NOT NULL,
    search_vector tsvector NOT NULL,
    trigrams text[] NOT NULL,
    CONSTRAINT exercises_slug_key UNIQUE (slug)
);
-- The filters of `search` (`&&`, `<@`, `@>` on arrays; `@@` on the vector), and the trigram overlap.
CREATE INDEX IF NOT EXISTS exercises_primary_muscles ON {s}.exercises USING gin (primary_muscles);
CREATE INDEX IF NOT EXISTS exercises_equipment ON {s}.exercises USING gin (equipment);
CREATE INDEX IF NOT EXISTS exercises_patterns ON {s}.exercises USING gin (patterns);
CREATE INDEX IF NOT EXISTS exercises_contraindications ON {s}.exercises USING gin (contraindications);
CREATE INDEX IF NOT EXISTS exercises_search_vector ON {s}.exercises USING gin (search_vector);
CREATE INDEX IF NOT EXISTS exercises_trigrams ON {s}.exercises USING gin (trigrams);
-- Listing without a search text, by name; and the newest change (the search cache's generation).
CREATE INDEX IF NOT EXISTS exercises_live_name ON {s}.exercises (name, id) WHERE NOT retired;
CREATE INDEX IF NOT EXISTS exercises_last_position ON {s}.exercises (last_position);
"""
COLUMNS = (
    "id", "slug", "name", "aliases", "category", "force", "mechanic", "level", "equipment",
    "primary_muscles", "secondary_muscles", "patterns", "contraindications", "cues", "variations",
    "retired", "retired_reason", "defined_at", "updated_at", "version", "last_position",
)  # fmt: skip
_TYPES = (
    "text", "text", "text", "text[]", "text", "text", "text", "text", "text[]",
    "text[]", "text[]", "text[]", "text[]", "text[]", "text[]",
    "boolean", "text", "timestamptz", "timestamptz", "int", "bigint",
)  # fmt: skip
VIEW_COLUMNS = tuple(column for column in COLUMNS if column not in ("retired_reason", "defined_at"))
"""The columns of `LibraryExerciseView`, in its order."""
_UPDATED = [column for column in COLUMNS if column != "slug"]
_RECORD = ", ".join(f"{column} {kind}" for column, kind in zip(COLUMNS, _TYPES, strict=True))
_UPSERT = f"""
INSERT INTO {{s}}.exercises AS e ({", ".join(COLUMNS)}, search_vector, trigrams)
SELECT t.id,
       CASE WHEN EXISTS (SELECT 1 FROM {{s}}.exercises o WHERE o.slug = t.slug AND o.id <> t.id)
            THEN t.slug || '-' || t.slug_suffix ELSE t.slug END,
       {", ".join(f"t.{column}" for column in COLUMNS[2:])},
       setweight(to_tsvector('english', t.name), 'A')
           || setweight(to_tsvector('english', array_to_string(t.aliases, ' ')), 'B'),
       t.trigrams
  FROM jsonb_to_recordset(%b::jsonb) AS t({_RECORD}, slug_suffix text, trigrams text[])
ON CONFLICT (id) DO UPDATE SET
    ({", ".join(_UPDATED)}, search_vector, trigrams)
    = ROW({", ".join(f"excluded.{column}" for column in _UPDATED)}, excluded.search_vector, excluded.trigrams)
WHERE e.version < excluded.version
RETURNING e.id
"""
_LOAD = f"SELECT {', '.join(COLUMNS)} FROM {{s}}.exercises WHERE id = ANY(%b::text[])"


@dataclass(frozen=True, slots=True)
class LibrarySql:
    create_tables: sql.Composed
    load: sql.Composed
    upsert: sql.Composed


@lru_cache(maxsize=8)
def statements(schema: str) -> LibrarySql:
    def bind(template: str) -> sql.Composed:
        return sql.SQL(template).format(s=sql.Identifier(schema))

    return LibrarySql(create_tables=bind(_DDL), load=bind(_LOAD), upsert=bind(_UPSERT))


async def load_rows(conn: Connection, schema: str, exercise_ids: Sequence[str]) -> list[tuple[object, ...]]:
    """The stored rows (`COLUMNS`) of those of `exercise_ids` that have one, in one query."""
    if not exercise_ids:
        return []
    cursor = await conn.execute(statements(schema).load, (list(exercise_ids),))
    return await cursor.fetchall()


async def upsert(conn: Connection, schema: str, rows: Sequence[dict[str, object]]) -> set[str]:
    """Write `rows` (each `COLUMNS` plus `slug_suffix` and `trigrams`); returns the ids actually written
    (those newer than what was stored)."""
    if not rows:
        return set()
    cursor = await conn.execute(statements(schema).upsert, (orjson.dumps(rows).decode(),))
    return {row[0] for row in await cursor.fetchall()}
