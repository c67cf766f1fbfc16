"""Read-your-writes: a read waits (bounded) for the projection to pass the command's position."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import psycopg
import pytest

from adapters.memory.cache import InMemoryCache
from adapters.postgres.checkpoints import APPLICATION_NAME, PostgresCheckpointWaiter
from adapters.postgres.plan_read_model import PostgresPlanReadModel
from adapters.postgres.store import PostgresEventStore
from application.handler import CommandHandler, CommandMetadata
from application.plan_reads import WORKOUT_PLANS_PROJECTION, PlanReads
from domain.plans import Plan
from domain.plans.commands import PlanCommand
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.events import PlanEvent
from projections.runner import ProjectionRunner
from projections.workout.projection import WorkoutPlansProjection
from tests.domain.plans import create_plan, rename
from tests.projections import read_model_database

Connection = psycopg.AsyncConnection[Any]


@dataclass
class World:
    url: str
    store: PostgresEventStore
    plans: CommandHandler[PlanCommand, Plan, PlanEvent]
    cache: InMemoryCache
    waiter: PostgresCheckpointWaiter
    reads: PlanReads


@pytest.fixture(scope="module")
async def read_models_url(database_url: str) -> AsyncIterator[str]:
    async with read_model_database(database_url) as url:
        yield url


@pytest.fixture
async def world(read_models_url: str) -> AsyncIterator[World]:
    store = await PostgresEventStore.connect(read_models_url)
    read_model = await PostgresPlanReadModel.connect(read_models_url)
    waiter = await PostgresCheckpointWaiter.start(read_models_url)
    cache = InMemoryCache()
    reads = PlanReads(read_model, cache, waiter)
    yield World(read_models_url, store, CommandHandler(store, WORKOUT_PLANS), cache, waiter, reads)
    await waiter.close()
    await read_model.close()
    await store.close()


def runner(world: World, *, invalidate: bool = True) -> ProjectionRunner:
    cache = world.cache if invalidate else None
    return ProjectionRunner(world.store, world.url, WorkoutPlansProjection(), cache=cache)


async def project(world: World, *, invalidate: bool = True) -> None:
    """Run the real projector until it has caught up with the log, then stop it."""
    projector = runner(world, invalidate=invalidate)
    running = asyncio.create_task(projector.run())
    caught_up = await world.waiter.wait_for(
        WORKOUT_PLANS_PROJECTION, await world.store.current_position(), timeout=30.0
    )
    projector.stop()
    await running  # it finishes the batch in hand, cache invalidations included
    assert caught_up


def meta() -> CommandMetadata:
    return CommandMetadata(command_id=uuid.uuid4(), correlation_id=uuid.uuid4())


async def new_plan(world: World, name: str = "Leg day") -> uuid.UUID:
    plan_id = uuid.uuid4()
    await world.plans.handle(replace(create_plan(name=name), plan_id=plan_id), meta())
    await project(world)
    return plan_id


async def test_a_read_after_a_command_waits_until_the_projection_has_it(world: World) -> None:
    plan_id = uuid.uuid4()
    written = await world.plans.handle(replace(create_plan(name="Pull day"), plan_id=plan_id), meta())

    read = asyncio.create_task(world.reads.get_plan(plan_id, min_position=written.position, wait=30.0))
    await asyncio.sleep(0.1)
    assert not read.done()  # nothing projected yet: it is still waiting

    projector = runner(world)
    running = asyncio.create_task(projector.run())
    try:
        result = await read
    finally:
        projector.stop()
        await running
    assert result.stale is False
    assert result.value is not None
    assert (result.value.name, result.value.version) == ("Pull day", written.stream_version)


async def test_a_read_whose_wait_times_out_answers_the_current_data_as_stale(world: World) -> None:
    plan_id = await new_plan(world, "Leg day")
    written = await world.plans.handle(replace(rename("Push day"), plan_id=plan_id), meta())

    result = await world.reads.get_plan(plan_id, min_position=written.position, wait=0.05)

    assert result.stale is True
    assert result.value is not None
    assert result.value.name == "Leg day"


async def test_a_cached_plan_older_than_the_write_is_not_served_after_the_wait(world: World) -> None:
    plan_id = await new_plan(world, "Leg day")
    await world.reads.get_plan(plan_id)  # now cached
    written = await world.plans.handle(replace(rename("Push day"), plan_id=plan_id), meta())
    await project(world, invalidate=False)  # as if its invalidation had not happened yet

    result = await world.reads.get_plan(plan_id, min_position=written.position)

    assert result.stale is False
    assert result.value is not None
    assert result.value.name == "Push day"


async def test_a_position_already_passed_needs_no_wait(world: World) -> None:
    plan_id = await new_plan(world)
    position = world.waiter.position(WORKOUT_PLANS_PROJECTION)
    assert position > 0
    assert await world.waiter.wait_for(WORKOUT_PLANS_PROJECTION, position, timeout=0) is True
    assert (await world.reads.get_plan(plan_id, min_position=position, wait=0)).stale is False


class CountingConnection(psycopg.AsyncConnection[Any]):
    statements = 0

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        CountingConnection.statements += 1
        return await super().execute(*args, **kwargs)


async def test_many_waiters_are_woken_by_one_notification_without_any_query(world: World) -> None:
    waiter = await PostgresCheckpointWaiter.start(world.url, connection_class=CountingConnection)
    try:
        before = CountingConnection.statements
        assert before > 0  # the LISTEN and the initial read went through the wrapper
        target = world.waiter.position(WORKOUT_PLANS_PROJECTION) + 1
        waits = [
            asyncio.create_task(waiter.wait_for(WORKOUT_PLANS_PROJECTION, target, timeout=30.0))
            for _ in range(50)
        ]
        await asyncio.sleep(0.2)
        assert not any(wait.done() for wait in waits)

        await world.plans.handle(replace(create_plan(), plan_id=uuid.uuid4()), meta())
        await project(world)

        assert await asyncio.gather(*waits) == [True] * 50
        assert CountingConnection.statements == before
    finally:
        await waiter.close()


async def test_the_waiter_reconnects_when_its_connection_drops(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="adapters.postgres.checkpoints")
    async with await psycopg.AsyncConnection.connect(world.url, autocommit=True) as admin:
        cursor = await admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = %s AND datname = current_database()",
            (APPLICATION_NAME,),
        )
        assert (await cursor.fetchone() or (0,))[0] == 1
    plan_id = uuid.uuid4()
    written = await world.plans.handle(replace(create_plan(), plan_id=plan_id), meta())
    await project(world)

    assert await world.waiter.wait_for(WORKOUT_PLANS_PROJECTION, written.position, timeout=30.0)
    levels = [record.levelno for record in caplog.records if record.name == "adapters.postgres.checkpoints"]
    assert (levels.count(logging.WARNING), levels.count(logging.INFO)) == (1, 1)
