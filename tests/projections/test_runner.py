"""The projection runner follows the log live, announces its checkpoints, invalidates the cache after
each commit, survives a broken cache and a dropped connection, and stops cleanly."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from typing import Any

import psycopg
from prometheus_client import REGISTRY

from adapters.memory.cache import InMemoryCache
from adapters.redis.cache import RedisCache
from application.cache import CacheKey
from application.handler import CommandHandler, CommandMetadata
from domain.plans.decider import WORKOUT_PLANS
from projections import metrics
from projections.checkpoints import CHANNEL
from projections.registry import projection_named
from projections.runner import ProjectionRunner
from tests.domain.plans import add_exercise, create_plan, rename
from tests.projections.projector_process import ProjectorProcess
from tests.projections.projector_support import (
    actual_read_model,
    checkpoint,
    expected_read_model,
    wait_for,
    wait_until,
    write_workload,
)

WORKOUT = projection_named("workout_plans")
REDIS_URL = os.environ.get("FITCOACH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class BrokenCache:
    """Fault injection: a cache adapter whose every call fails."""

    def __init__(self) -> None:
        self.calls = 0

    async def get(self, key: CacheKey) -> Any:
        raise RuntimeError("broken")

    async def get_many(self, keys: Any) -> Any:
        raise RuntimeError("broken")

    async def put(self, key: CacheKey, value: Any, version: int) -> bool:
        raise RuntimeError("broken")

    async def invalidate(self, key: CacheKey, version: int) -> None:
        self.calls += 1
        raise RuntimeError("broken")

    async def close(self) -> None:
        pass


def meta() -> CommandMetadata:
    return CommandMetadata(uuid.uuid4(), uuid.uuid4())


def metric(name: str) -> float:
    return REGISTRY.get_sample_value(f"fitcoach_projection_{name}", {"projection": "workout_plans"}) or 0.0


async def test_live_commands_reach_the_read_model_and_a_stop_is_recorded(
    projection_url, projection_store, runners
):
    head = await write_workload(projection_store, plans=4, commands=200, seed=1)
    runner = ProjectionRunner(
        projection_store, projection_url, WORKOUT, batch_size=50, lag_sample_seconds=0.05
    )
    applied_before, batches_before = metric("events_applied_total"), metric("batch_duration_seconds_count")
    runners.start(runner)
    await wait_for(projection_url, head)
    assert (await checkpoint(projection_url))[1] == "running"
    assert runner.active

    handler = CommandHandler(projection_store, WORKOUT_PLANS)
    plan_id = uuid.uuid4()
    await handler.handle(create_plan(plan_id=plan_id), meta())
    added = await handler.handle(replace(add_exercise("Deadlift"), plan_id=plan_id), meta())
    await wait_for(projection_url, added.position)
    assert await actual_read_model(projection_url) == await expected_read_model(projection_store)

    async def lag_sampled_at_zero() -> bool:
        return metric("lag_events") == 0 and metric("lag_seconds") == 0

    metrics.LAG_EVENTS.labels("workout_plans").set(-1)
    await wait_until(lag_sampled_at_zero, within=5)
    await runners.stop(runner)
    assert (await checkpoint(projection_url))[:2] == (added.position, "stopped")
    assert not runner.active
    assert runner.events_applied == added.position
    assert metric("events_applied_total") - applied_before == added.position
    assert metric("batch_duration_seconds_count") - batches_before >= head / 50


async def test_each_commit_is_announced_with_the_new_checkpoint(projection_url, projection_store, runners):
    runner = ProjectionRunner(projection_store, projection_url, WORKOUT)
    runners.start(runner)
    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as listener:
        await listener.execute(f"LISTEN {CHANNEL}")
        result = await CommandHandler(projection_store, WORKOUT_PLANS).handle(create_plan(), meta())
        heard = []
        async for notification in listener.notifies(timeout=10):
            heard.append(notification.payload)
            if notification.payload == f"workout_plans:{result.position}":
                break
    await runners.stop(runner)
    assert heard[-1] == f"workout_plans:{result.position}"
    # When the announcement arrives, the row is already visible.
    assert (await actual_read_model(projection_url)).plans[0][0] == create_plan().plan_id


async def test_a_commit_invalidates_the_touched_plans_in_the_cache(projection_url, projection_store, runners):
    handler = CommandHandler(projection_store, WORKOUT_PLANS)
    created = await handler.handle(create_plan(), meta())
    cache = InMemoryCache()
    key = CacheKey.plan(create_plan().plan_id)
    assert await cache.put(key, {"name": "Leg day"}, created.stream_version)
    runner = ProjectionRunner(projection_store, projection_url, WORKOUT, cache=cache)
    runners.start(runner)

    renamed = await handler.handle(rename("Pull day"), meta())
    await wait_for(projection_url, renamed.position)

    async def invalidated() -> bool:
        return await cache.get(key) is None

    await wait_until(invalidated, within=5)
    await runners.stop(runner)
    assert not await cache.put(key, {"name": "Leg day"}, created.stream_version), "older values are refused"
    assert await cache.put(key, {"name": "Pull day"}, renamed.stream_version)


async def test_a_failing_cache_never_stops_projecting(projection_url, projection_store, runners, caplog):
    head = await write_workload(projection_store, plans=5, commands=120, seed=2)
    cache = BrokenCache()
    runner = ProjectionRunner(projection_store, projection_url, WORKOUT, cache=cache, batch_size=10)
    runners.start(runner)
    await wait_for(projection_url, head)
    await runners.stop(runner)

    assert cache.calls > 1
    assert await actual_read_model(projection_url) == await expected_read_model(projection_store)
    warnings = [r for r in caplog.records if "cache invalidation failing" in r.getMessage()]
    assert len(warnings) == 1, "an outage is logged once, not per batch"


async def test_a_dropped_connection_is_reopened_and_projecting_goes_on(
    projection_url, projection_store, runners
):
    first = await write_workload(projection_store, plans=3, commands=60, seed=3)
    runner = ProjectionRunner(projection_store, projection_url, WORKOUT, max_backoff_seconds=0.2)
    runners.start(runner)
    await wait_for(projection_url, first)

    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as admin:
        cursor = await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'fitcoach-projector:workout_plans' AND datname = current_database()"
        )
        assert [row[0] for row in await cursor.fetchall()] == [True]

    second = await write_workload(projection_store, plans=3, commands=60, seed=4)
    await wait_for(projection_url, second)
    await runners.stop(runner)
    assert second > first
    assert await actual_read_model(projection_url) == await expected_read_model(projection_store)


async def test_a_projector_process_invalidates_the_shared_redis_cache(
    projection_url, projection_store, runners
):
    handler = CommandHandler(projection_store, WORKOUT_PLANS)
    plan_id = uuid.uuid4()
    created = await handler.handle(create_plan(plan_id=plan_id), meta())
    cache = await RedisCache.connect(REDIS_URL)
    key = CacheKey.plan(plan_id)
    projector = ProjectorProcess(projection_url, redis_url=REDIS_URL)
    try:
        await wait_for(projection_url, created.position)
        assert await cache.put(key, {"name": "Leg day"}, created.stream_version)
        renamed = await handler.handle(replace(rename("Pull day"), plan_id=plan_id), meta())
        await wait_for(projection_url, renamed.position)

        async def invalidated() -> bool:
            return await cache.get(key) is None

        await wait_until(invalidated, within=5)
        assert projector.terminate() == 0, projector.output
    finally:
        projector.close()
        await cache.close()
    assert not await cache.put(key, {"name": "Leg day"}, created.stream_version)
