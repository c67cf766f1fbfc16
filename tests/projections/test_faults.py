"""Faults: a projector killed mid-batch, two projectors at once, a PostgreSQL restart, a poison event."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping
from typing import Any

import pytest

from adapters.postgres.schema import migrate as migrate_event_store
from adapters.postgres.store import PostgresEventStore
from application.eventstore import EventMetadata, EventStoreUnavailable, NewEvent
from application.handler import CommandHandler, CommandMetadata
from domain.event_codec import EventCodec
from domain.plans.codec import PLAN_EVENT_TYPES
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.streams import plan_stream
from domain.plans.upcasters import UPCASTERS
from domain.upcasting import EventData
from projections.projection import ProjectionFailed
from projections.rebuild import rebuild
from projections.registry import projection_named
from projections.runner import ProjectionRunner
from projections.schema import migrate as migrate_projections
from projections.workout.projection import WorkoutPlansProjection
from tests.domain.plans import PLAN_ID, T0, create_plan
from tests.projections.projector_process import ProjectorProcess, projector_backends
from tests.projections.projector_support import (
    actual_read_model,
    checkpoint,
    expected_read_model,
    wait_for,
    wait_until,
    write_workload,
)
from tests.projections.throwaway_cluster import throwaway_cluster

WORKOUT = projection_named("workout_plans")
MID_BATCH_STATES = {"active", "idle in transaction"}


async def test_a_projector_killed_mid_batch_resumes_with_nothing_missing_or_doubled(
    projection_url, projection_store
):
    head = await write_workload(projection_store, plans=30, commands=4000, seed=11)
    first = ProjectorProcess(projection_url, batch_size=20)
    try:

        async def inside_a_batch() -> bool:
            started = (await checkpoint(projection_url))[0] > 0
            return started and any(
                state in MID_BATCH_STATES for _, state in await projector_backends(projection_url)
            )

        await wait_until(inside_a_batch)
        first.kill()
    finally:
        first.close()
    killed_at = (await checkpoint(projection_url))[0]
    assert 0 < killed_at < head

    second = ProjectorProcess(projection_url)
    try:
        await wait_for(projection_url, head)
        assert second.terminate() == 0, second.output
    finally:
        second.close()
    assert (await checkpoint(projection_url))[:2] == (head, "stopped")
    projected = await actual_read_model(projection_url)
    assert projected == await expected_read_model(projection_store)
    await rebuild(projection_store, projection_url, WORKOUT)
    assert await actual_read_model(projection_url) == projected


async def test_of_two_runners_only_one_applies_and_the_standby_takes_over(
    projection_url, projection_store, runners
):
    active = ProjectorProcess(projection_url)
    standby = ProjectionRunner(projection_store, projection_url, WORKOUT, standby_retry_seconds=0.1)
    try:

        async def active_is_running() -> bool:
            return (await checkpoint(projection_url))[1] == "running"

        await wait_until(active_is_running)
        runners.start(standby)
        first = await write_workload(projection_store, plans=4, commands=150, seed=21)
        await wait_for(projection_url, first)
        assert (standby.active, standby.events_applied) == (False, 0)
        assert len(await projector_backends(projection_url)) == 2

        active.kill()
        second = await write_workload(projection_store, plans=4, commands=150, seed=22)
        await wait_for(projection_url, second)
        assert standby.active
        assert standby.events_applied == second - first
        await runners.stop(standby)
    finally:
        active.close()
    assert await actual_read_model(projection_url) == await expected_read_model(projection_store)


async def test_a_postgresql_restart_while_projecting_is_survived(caplog):
    caplog.set_level(logging.WARNING, logger="fitcoach.projections")
    with throwaway_cluster() as cluster:
        await migrate_event_store(cluster.url)
        await migrate_projections(cluster.url)
        store = await PostgresEventStore.connect(cluster.url, max_size=2)
        store.subscriptions.max_reconnect_attempts = 50
        runner = ProjectionRunner(store, cluster.url, WORKOUT, batch_size=10, max_backoff_seconds=0.3)
        try:
            first = await write_workload(store, plans=10, commands=2500, seed=31)
            task = asyncio.create_task(runner.run())
            await wait_for(cluster.url, 1)
            cluster.restart()
            await until_available(store)
            second = await write_workload(store, plans=5, commands=200, seed=32)
            await wait_for(cluster.url, second)
            runner.stop()
            await asyncio.wait_for(task, 10)
            assert second > first
            assert await actual_read_model(cluster.url) == await expected_read_model(store)
        finally:
            runner.stop()
            await store.close()
    assert any("lost PostgreSQL" in record.getMessage() for record in caplog.records)


async def until_available(store: PostgresEventStore) -> None:
    """Retry a read until the pool has replaced the connections the restart broke."""
    for _ in range(100):
        try:
            await store.current_position()
            return
        except EventStoreUnavailable:
            await asyncio.sleep(0.05)
    raise TimeoutError("PostgreSQL did not come back")


def renamed_v0_to_v1(data: Mapping[str, Any]) -> EventData:
    """The fix: an older writer stored renames as v0 with `title`; v1 calls it `name`."""
    return {**{k: v for k, v in data.items() if k != "title"}, "name": data["title"]}


async def test_a_poison_event_stops_the_projection_until_fixed_then_it_resumes_there(
    projection_url, projection_store, runners, caplog
):
    handler = CommandHandler(projection_store, WORKOUT_PLANS)
    created = await handler.handle(create_plan(), CommandMetadata(uuid.uuid4(), uuid.uuid4()))
    poison = NewEvent(
        uuid.uuid4(),
        "WorkoutPlanRenamed",
        0,
        {"plan_id": str(PLAN_ID), "title": "Secret title", "actor": "user", "at": T0.isoformat()},
        EventMetadata("user", uuid.uuid4(), uuid.uuid4()),
    )
    poisoned = await projection_store.append(plan_stream(PLAN_ID), [poison], created.stream_version)
    other_plan = uuid.uuid4()
    after = await handler.handle(create_plan(plan_id=other_plan), CommandMetadata(uuid.uuid4(), uuid.uuid4()))

    for _attempt in range(2):  # a restart without a fix stops at the very same event
        runner = ProjectionRunner(projection_store, projection_url, WORKOUT, batch_size=100)
        with pytest.raises(ProjectionFailed) as failed:
            await asyncio.wait_for(runner.run(), 10)
        position, state, error = await checkpoint(projection_url)
        assert (position, state) == (poisoned.position - 1, "failed")
        assert error == str(failed.value)
        for part in (
            "'workout_plans'",
            str(poison.event_id),
            "WorkoutPlanRenamed",
            f"position {poisoned.position}",
        ):
            assert part in error
        assert "UnknownEventType" in error
        assert [row[0] for row in (await actual_read_model(projection_url)).plans] == [PLAN_ID]
    assert all("Secret title" not in record.getMessage() for record in caplog.records)
    assert any(str(poison.event_id) in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)

    fixed_codec = EventCodec(PLAN_EVENT_TYPES, {**UPCASTERS, ("WorkoutPlanRenamed", 0): renamed_v0_to_v1})
    fixed = ProjectionRunner(projection_store, projection_url, WorkoutPlansProjection(fixed_codec))
    runners.start(fixed)
    await wait_for(projection_url, after.position)
    await runners.stop(fixed)
    assert fixed.events_applied == after.position - poisoned.position + 1
    plans = {row[0]: row for row in (await actual_read_model(projection_url)).plans}
    assert plans.keys() == {PLAN_ID, other_plan}
    assert plans[PLAN_ID][2] == "Secret title"
    assert (await checkpoint(projection_url))[1:] == ("stopped", None)
