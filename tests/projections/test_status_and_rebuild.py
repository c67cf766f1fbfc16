"""`projection_status` and the blue/green `rebuild`, through the Python API and the `fitcoach` CLI."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import psycopg
import pytest

from adapters.exercise_data import shipped_library
from adapters.postgres.store import PostgresEventStore
from application.eventstore import EventMetadata, NewEvent
from domain.plans.streams import plan_stream
from projections.projection import ProjectionFailed
from projections.rebuild import REBUILD_LOCK_NAMESPACE, RebuildInProgress, RebuildProgress, rebuild
from projections.registry import PROJECTIONS, projection_named
from projections.runner import ProjectionRunner
from projections.status import ABANDONED, ProjectionStatus, projection_status
from projections.workout.projection import WorkoutPlansProjection
from tests.projections.projector_process import REPO
from tests.projections.projector_support import (
    actual_read_model,
    checkpoint,
    expected_read_model,
    wait_for,
    write_workload,
)

WORKOUT = projection_named("workout_plans")


async def schemas_and_checkpoints(url: str) -> tuple[list[str], list[str]]:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        schemas = await conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'workout%' ORDER BY 1"
        )
        names = await conn.execute(
            "SELECT name FROM projections.checkpoints WHERE name LIKE 'workout%' ORDER BY 1"
        )
        return [row[0] for row in await schemas.fetchall()], [row[0] for row in await names.fetchall()]


async def workout_status(store: PostgresEventStore, url: str) -> ProjectionStatus:
    """The `workout_plans` row of the status (other projections, such as users, have rows too)."""
    [row] = [status for status in await projection_status(store, url) if status.name == "workout_plans"]
    return row


async def test_status_shows_checkpoint_lag_and_state(projection_url, projection_store, runners):
    head = await write_workload(projection_store, plans=3, commands=60, seed=41)
    idle = await workout_status(projection_store, projection_url)
    assert (idle.name, idle.checkpoint, idle.lag_events, idle.state, idle.error) == (
        "workout_plans", 0, head, "stopped", None,
    )  # fmt: skip
    assert idle.lag_seconds > 0

    runner = ProjectionRunner(projection_store, projection_url, WORKOUT)
    task = runners.start(runner)
    await wait_for(projection_url, head)
    caught_up = await workout_status(projection_store, projection_url)
    assert (caught_up.checkpoint, caught_up.lag_events, caught_up.lag_seconds, caught_up.state) == (
        head, 0, 0.0, "running",
    )  # fmt: skip

    task.cancel()  # the runner dies without stopping: its row still says running, but nobody holds the lock
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (await checkpoint(projection_url))[1] == "running"
    abandoned = await workout_status(projection_store, projection_url)
    assert (abandoned.state, abandoned.error) == ("stopped", ABANDONED)


async def test_a_rebuild_produces_the_same_tables_even_with_state_spilled_and_reloaded(
    projection_url, projection_store, runners
):
    head = await write_workload(projection_store, plans=15, commands=1200, seed=42)
    runner = ProjectionRunner(projection_store, projection_url, WORKOUT)
    runners.start(runner)
    await wait_for(projection_url, head)
    await runners.stop(runner)
    projected = await actual_read_model(projection_url)

    progress: list[RebuildProgress] = []
    report = await rebuild(projection_store, projection_url, WORKOUT, progress=progress.append, page_size=50)
    assert (report.events, report.position) == (head, head)
    assert await actual_read_model(projection_url) == projected
    assert [p.position for p in progress] == sorted({p.position for p in progress})
    assert progress[-1].position == head

    # Memory bounds of 2 plans and 3 versions: states are flushed, forgotten and loaded back again and again.
    tight = WorkoutPlansProjection(replay_max_plans=2, replay_max_pending_versions=3)
    await rebuild(projection_store, projection_url, tight, page_size=7)
    assert await actual_read_model(projection_url) == projected
    assert await schemas_and_checkpoints(projection_url) == (["workout"], ["workout_plans"])
    assert (await checkpoint(projection_url))[0] == head


async def test_readers_and_the_runner_go_on_while_a_rebuild_swaps_tables(
    projection_url, projection_store, runners
):
    head = await write_workload(projection_store, plans=20, commands=1500, seed=43)
    runner = ProjectionRunner(projection_store, projection_url, WORKOUT, batch_size=20)
    runners.start(runner)
    await wait_for(projection_url, head)
    plans_before = len((await actual_read_model(projection_url)).plans)
    done = asyncio.Event()
    seen: list[tuple[int, int]] = []

    async def read_continuously() -> None:
        async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as conn:
            while not done.is_set():
                cursor = await conn.execute(
                    "SELECT (SELECT count(*) FROM workout.workout_plans),"
                    " (SELECT count(*) FROM workout.workout_exercises)"
                )
                row = await cursor.fetchone()
                assert row is not None
                seen.append((row[0], row[1]))
                await asyncio.sleep(0)

    reader = asyncio.create_task(read_continuously())
    writer = asyncio.create_task(write_workload(projection_store, plans=5, commands=400, seed=44))
    await rebuild(projection_store, projection_url, WORKOUT, page_size=100)
    last = await writer
    await wait_for(projection_url, last)
    done.set()
    await reader  # re-raises anything a reader hit
    await runners.stop(runner)

    assert len(seen) > 10
    assert min(plans for plans, _ in seen) >= plans_before, "readers never saw a missing or partial table set"
    assert await actual_read_model(projection_url) == await expected_read_model(projection_store)
    assert await schemas_and_checkpoints(projection_url) == (["workout"], ["workout_plans"])


async def test_only_one_rebuild_at_a_time(projection_url, projection_store):
    await write_workload(projection_store, plans=2, commands=20, seed=45)
    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as other:
        await other.execute(
            "SELECT pg_advisory_lock(%s, hashtext('workout_plans'))", (REBUILD_LOCK_NAMESPACE,)
        )
        with pytest.raises(RebuildInProgress):
            await rebuild(projection_store, projection_url, WORKOUT)
    assert await schemas_and_checkpoints(projection_url) == (["workout"], ["workout_plans"])


async def test_a_poison_event_fails_a_rebuild_and_leaves_the_live_tables_alone(
    projection_url, projection_store
):
    await write_workload(projection_store, plans=2, commands=30, seed=46)
    bad = NewEvent(uuid.uuid4(), "PlanTeleported", 1, {}, EventMetadata("user", uuid.uuid4(), uuid.uuid4()))
    await projection_store.append(plan_stream(uuid.uuid4()), [bad], 0)
    with pytest.raises(ProjectionFailed, match=str(bad.event_id)):
        await rebuild(projection_store, projection_url, WORKOUT)
    assert (await checkpoint(projection_url, "workout_plans__rebuild"))[1] == "failed"
    assert (await checkpoint(projection_url))[0] == 0
    assert (await actual_read_model(projection_url)).plans == []


def fitcoach(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FITCOACH_DATABASE_URL": url, "FITCOACH_EVENT_STORE": "postgres"}
    command = [sys.executable, "-m", "fitcoach.cli", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)


async def test_the_cli_migrates_shows_status_and_rebuilds(projection_url, projection_store):
    written = await write_workload(projection_store, plans=3, commands=80, seed=47)
    for _ in range(2):
        assert fitcoach(projection_url, "migrate").stdout.strip() == "migrated"
    head = await projection_store.current_position()  # migrate loaded the shipped library, once
    assert head == written + len(shipped_library().definitions)

    status = fitcoach(projection_url, "projections", "status")
    assert status.returncode == 0, status.stderr
    header, *rows = status.stdout.splitlines()
    assert header.split() == ["NAME", "CHECKPOINT", "LAG", "EVENTS", "LAG", "SECONDS", "STATE", "ERROR"]
    assert sorted(row.split()[0] for row in rows) == sorted(projection.name for projection in PROJECTIONS)
    [row] = [row for row in rows if row.startswith("workout_plans ")]
    assert row.split()[:3] == ["workout_plans", "0", str(head)]

    rebuilt = fitcoach(projection_url, "projections", "rebuild", "workout_plans")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.startswith(f"rebuilt workout_plans: {head:,} events")
    assert "events/s" in rebuilt.stderr
    assert "ETA" in rebuilt.stderr
    assert await actual_read_model(projection_url) == await expected_read_model(projection_store)

    unknown = fitcoach(projection_url, "projections", "rebuild", "nope")
    assert unknown.returncode == 2
    assert "UNKNOWN_PROJECTION" in unknown.stderr
