"""SQL of the workout read model, for any schema (`workout`, or `workout__rebuild` during a rebuild).

Writes are set-based: one statement per table and batch, arrays in, `unnest` out. The plan upsert is
guarded by the stored stream version, and a plan's exercises and new versions are only written when its
upsert went through.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from uuid import UUID

from psycopg import sql

from domain.plans.streams import plan_stream
from projections.projection import Connection
from projections.workout.fold import (
    PlanTrack,
    Tracks,
    exercise_rows,
    plan_row,
    track_from_rows,
    version_rows,
)

_DDL = """
CREATE TABLE IF NOT EXISTS {s}.workout_plans (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL,
    name text NOT NULL,
    description text NOT NULL,
    difficulty_level text NOT NULL,
    duration_minutes int NOT NULL,
    version int NOT NULL,
    latest_version_number int,
    is_active boolean NOT NULL,
    created_by text NOT NULL CHECK (created_by IN ('user', 'ai_coach')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    last_position bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS workout_plans_user_active ON {s}.workout_plans (user_id, is_active);
CREATE INDEX IF NOT EXISTS workout_plans_user_version ON {s}.workout_plans (user_id, version);
-- A user's plans page by page, newest first (`user_plans`): the keyset walks this index, never sorts.
CREATE INDEX IF NOT EXISTS workout_plans_user_updated
    ON {s}.workout_plans (user_id, updated_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS {s}.workout_exercises (
    plan_id uuid NOT NULL,
    exercise_order int NOT NULL,
    exercise_data jsonb NOT NULL,
    UNIQUE (plan_id, exercise_order)
);
CREATE TABLE IF NOT EXISTS {s}.plan_versions (
    plan_id uuid NOT NULL,
    version_number int NOT NULL,
    parent_version int,
    exercises jsonb NOT NULL,
    change_description text NOT NULL,
    changed_by text NOT NULL CHECK (changed_by IN ('user', 'ai_coach')),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (plan_id, version_number)
);
"""
PLAN_COLUMNS = (
    "id, user_id, name, description, difficulty_level, duration_minutes, version, latest_version_number,"
    " is_active, created_by, created_at, updated_at, last_position"
)
EXERCISE_COLUMNS = "plan_id, exercise_order, exercise_data"
VERSION_COLUMNS = (
    "plan_id, version_number, parent_version, exercises, change_description, changed_by, created_at"
)

_LOAD_PLANS = """
SELECT p.id, p.user_id, p.name, p.description, p.difficulty_level, p.duration_minutes, p.version,
       p.is_active, p.created_by, p.created_at, p.updated_at, p.last_position,
       v.version_number, v.parent_version, v.exercises, v.change_description, v.changed_by, v.created_at
  FROM {s}.workout_plans p
  LEFT JOIN {s}.plan_versions v ON v.plan_id = p.id AND v.version_number = p.latest_version_number
 WHERE p.id = ANY(%b::uuid[])
"""
_LOAD_EXERCISES = """
SELECT plan_id, exercise_data FROM {s}.workout_exercises
 WHERE plan_id = ANY(%b::uuid[]) ORDER BY plan_id, exercise_order
"""
_UPSERT_PLANS = f"""
INSERT INTO {{s}}.workout_plans AS p ({PLAN_COLUMNS})
SELECT * FROM unnest(%b::uuid[], %b::uuid[], %b::text[], %b::text[], %b::text[], %b::int4[], %b::int4[],
                     %b::int4[], %b::bool[], %b::text[], %b::timestamptz[], %b::timestamptz[], %b::int8[])
ON CONFLICT (id) DO UPDATE SET
    user_id = excluded.user_id, name = excluded.name, description = excluded.description,
    difficulty_level = excluded.difficulty_level, duration_minutes = excluded.duration_minutes,
    version = excluded.version, latest_version_number = excluded.latest_version_number,
    is_active = excluded.is_active, created_by = excluded.created_by, created_at = excluded.created_at,
    updated_at = excluded.updated_at, last_position = excluded.last_position
WHERE p.version < excluded.version
RETURNING p.id
"""
_DELETE_EXERCISES = "DELETE FROM {s}.workout_exercises WHERE plan_id = ANY(%b::uuid[])"
_INSERT_EXERCISES = f"""
INSERT INTO {{s}}.workout_exercises ({EXERCISE_COLUMNS})
SELECT plan_id, exercise_order, exercise_data::jsonb
  FROM unnest(%b::uuid[], %b::int4[], %b::text[]) AS t(plan_id, exercise_order, exercise_data)
"""
_INSERT_VERSIONS = f"""
INSERT INTO {{s}}.plan_versions ({VERSION_COLUMNS})
SELECT plan_id, version_number, parent_version, exercises::jsonb, change_description, changed_by, created_at
  FROM unnest(%b::uuid[], %b::int4[], %b::int4[], %b::text[], %b::text[], %b::text[], %b::timestamptz[])
       AS t(plan_id, version_number, parent_version, exercises, change_description, changed_by, created_at)
ON CONFLICT (plan_id, version_number) DO NOTHING
"""


@dataclass(frozen=True, slots=True)
class WorkoutSql:
    create_tables: sql.Composed
    load_plans: sql.Composed
    load_exercises: sql.Composed
    upsert_plans: sql.Composed
    delete_exercises: sql.Composed
    insert_exercises: sql.Composed
    insert_versions: sql.Composed
    delete_plans: sql.Composed
    copy_plans: sql.Composed
    copy_exercises: sql.Composed
    copy_versions: sql.Composed


@lru_cache(maxsize=8)
def statements(schema: str) -> WorkoutSql:
    def bind(template: str) -> sql.Composed:
        return sql.SQL(template).format(s=sql.Identifier(schema))

    return WorkoutSql(
        create_tables=bind(_DDL),
        load_plans=bind(_LOAD_PLANS),
        load_exercises=bind(_LOAD_EXERCISES),
        upsert_plans=bind(_UPSERT_PLANS),
        delete_exercises=bind(_DELETE_EXERCISES),
        insert_exercises=bind(_INSERT_EXERCISES),
        insert_versions=bind(_INSERT_VERSIONS),
        delete_plans=bind("DELETE FROM {s}.workout_plans WHERE id = ANY(%b::uuid[])"),
        copy_plans=bind(f"COPY {{s}}.workout_plans ({PLAN_COLUMNS}) FROM STDIN"),
        copy_exercises=bind(f"COPY {{s}}.workout_exercises ({EXERCISE_COLUMNS}) FROM STDIN"),
        copy_versions=bind(f"COPY {{s}}.plan_versions ({VERSION_COLUMNS}) FROM STDIN"),
    )


async def load(conn: Connection, schema: str, plan_ids: Sequence[UUID]) -> Tracks:
    """The stored tracks of `plan_ids` (those with rows) by stream name, in two queries."""
    if not plan_ids:
        return {}
    q = statements(schema)
    ids = list(plan_ids)
    # Both sent before either is read: one round trip when the connection is in pipeline mode.
    plans_sent = await conn.execute(q.load_plans, (ids,))
    exercises_sent = await conn.execute(q.load_exercises, (ids,))
    plans = await plans_sent.fetchall()
    exercises: defaultdict[UUID, list[dict[str, object]]] = defaultdict(list)
    for plan_id, data in await exercises_sent.fetchall():
        exercises[plan_id].append(data)
    tracks = {}
    for row in plans:
        latest = row[12:] if row[12] is not None else None
        tracks[plan_stream(row[0])] = track_from_rows(row, exercises[row[0]], latest)
    return tracks


async def write(conn: Connection, schema: str, tracks: Iterable[PlanTrack]) -> set[UUID]:
    """Upsert the tracks' rows; returns the plans actually written (newer than what was stored)."""
    q = statements(schema)
    live = [track for track in tracks if track.state is not None]
    if not live:
        return set()
    cursor = await conn.execute(q.upsert_plans, _columns([plan_row(track) for track in live], 13))
    written = {row[0] for row in await cursor.fetchall()}
    live = [track for track in live if track.plan_id in written]
    if not live:
        return written
    await conn.execute(q.delete_exercises, ([track.plan_id for track in live],))
    exercises = [row for track in live for row in exercise_rows(track)]
    if exercises:
        await conn.execute(q.insert_exercises, _columns(exercises, 3))
    versions = [row for track in live for row in version_rows(track)]
    if versions:
        await conn.execute(q.insert_versions, _columns(versions, 7))
    return written


def _columns(rows: Sequence[tuple[object, ...]], width: int) -> list[list[object]]:
    """Row tuples turned into one list per column, the shape `unnest` takes."""
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]
