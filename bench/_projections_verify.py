"""Check the rebuilt read model against the plans the generator decided on, so a fast but wrong rebuild
cannot pass: whole-table row counts, and a sample of plans compared field by field."""

from __future__ import annotations

import random
from typing import Any

import psycopg

from bench._projections_workload import PlanScript
from domain.plans.codec import read_exercise

VERIFIED_PLANS = 200


async def verify_read_model(url: str, scripts: list[PlanScript], rng: random.Random) -> None:
    states = [script.state for script in scripts if script.state is not None]
    expected = {
        "workout.workout_plans": len(states),
        "workout.workout_exercises": sum(len(state.exercises) for state in states),
        "workout.plan_versions": sum(len(state.versions) for state in states),
    }
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        for table, rows in expected.items():
            cursor = await conn.execute(f"SELECT count(*) FROM {table}")
            counted = await cursor.fetchone()
            if counted is None or counted[0] != rows:
                raise RuntimeError(f"{table} holds {counted} rows after the rebuild, expected {rows}")
        for script in rng.sample(scripts, min(VERIFIED_PLANS, len(scripts))):
            await _verify_plan(conn, script)


async def _verify_plan(conn: psycopg.AsyncConnection[Any], script: PlanScript) -> None:
    plan_id, state = script.timeline.plan_id, script.state
    assert state is not None
    cursor = await conn.execute(
        "SELECT name, version, latest_version_number, is_active, user_id, updated_at"
        " FROM workout.workout_plans WHERE id = %s",
        (plan_id,),
    )
    row = await cursor.fetchone()
    wanted = (
        state.name,
        script.timeline.events,
        state.latest_version,
        not state.archived,
        state.owner_id,
        state.updated_at,
    )
    exercises = await conn.execute(
        "SELECT exercise_data FROM workout.workout_exercises WHERE plan_id = %s ORDER BY exercise_order",
        (plan_id,),
    )
    stored_exercises = tuple(read_exercise(data) for (data,) in await exercises.fetchall())
    versions = await conn.execute(
        "SELECT version_number, parent_version, exercises, change_description"
        " FROM workout.plan_versions WHERE plan_id = %s ORDER BY version_number",
        (plan_id,),
    )
    stored_versions = [
        (number, parent, tuple(read_exercise(e) for e in exercises), description)
        for number, parent, exercises, description in await versions.fetchall()
    ]
    wanted_versions = [
        (version.number, version.parent, version.exercises, version.change_description)
        for version in state.versions
    ]
    if row != wanted or stored_exercises != state.exercises or stored_versions != wanted_versions:
        raise RuntimeError(f"the read model of plan {plan_id} differs from the generated plan")
