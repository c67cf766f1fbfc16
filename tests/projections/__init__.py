"""Projection tests: a throwaway database with the read-model tables, and read-model test data."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from adapters.postgres.privacy_schema import migrate_privacy
from adapters.postgres.schema import migrate as migrate_event_store
from application.plan_views import PLAN_SCALARS, ExerciseView, PlanView
from projections.schema import migrate as migrate_projections
from tests.conftest import ADMIN_URL

T0 = datetime(2025, 3, 3, 7, 30, tzinfo=UTC)


@asynccontextmanager
async def migrated_database(prefix: str, admin_url: str = ADMIN_URL) -> AsyncIterator[str]:
    """A fresh database with the event store, projection and data key schemas, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    async with await psycopg.AsyncConnection.connect(admin_url, autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{admin_url.rpartition('/')[0]}/{name}"
    try:
        await migrate_event_store(url)
        await migrate_projections(url)
        await migrate_privacy(url)
        yield url
    finally:
        async with await psycopg.AsyncConnection.connect(admin_url, autocommit=True) as admin:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def read_model_database(session_url: str) -> AbstractAsyncContextManager[str]:
    """A database of its own next to the session's, shared by one module's tests."""
    return migrated_database("fitcoach_reads", f"{session_url.rpartition('/')[0]}/postgres")


def plan_view(**overrides: Any) -> PlanView:
    """A plan as the read model would hold it; a fresh id and owner unless given."""
    base = PlanView(
        id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        name="Leg day",
        description="Squats and friends",
        difficulty_level="intermediate",
        duration_minutes=60,
        version=2,
        latest_version_number=None,
        is_active=True,
        created_by="user",
        created_at=T0,
        updated_at=T0,
        last_position=2,
        exercises=(ExerciseView("Barbell_Squat", "Squat", 5, 5, 100.0, 180, "2-0-2-0", "", ("Leg_Press",)),),
    )
    return replace(base, **overrides)


async def write_plan(conn: psycopg.AsyncConnection[Any], view: PlanView) -> None:
    """Write `view` into the read model as the projector would (test data only)."""
    row = {name: getattr(view, name) for name in ("id", "user_id", *PLAN_SCALARS, "created_at", "updated_at")}
    columns = ", ".join(row)
    await conn.execute(
        f"INSERT INTO workout.workout_plans ({columns}) VALUES ({', '.join(f'%({c})s' for c in row)})"
        f" ON CONFLICT (id) DO UPDATE SET ({columns}) = ROW({', '.join(f'EXCLUDED.{c}' for c in row)})",
        row,
    )
    await conn.execute("DELETE FROM workout.workout_exercises WHERE plan_id = %s", (view.id,))
    for order, exercise in enumerate(view.exercises, start=1):
        await conn.execute(
            "INSERT INTO workout.workout_exercises (plan_id, exercise_order, exercise_data)"
            " VALUES (%s, %s, %s)",
            (view.id, order, Jsonb(exercise.to_json())),
        )
