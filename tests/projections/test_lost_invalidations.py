"""Cache invalidations are sent after the commit, so a projector can die in between. The checkpoint keeps
the invalidations of the batch that moved it; whoever takes over, or finds it moved by a rebuild's swap,
sends them again. Real PostgreSQL and the shared Redis (keys of fresh plan ids only)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

import psycopg
import pytest

from adapters.postgres.store import PostgresEventStore
from adapters.redis.cache import RedisCache
from application.cache import CacheKey
from application.eventstore import RecordedEvent
from application.handler import CommandHandler, CommandMetadata
from domain.plans.decider import WORKOUT_PLANS
from projections import checkpoints
from projections.batch import apply_batch
from projections.rebuild import rebuild
from projections.registry import projection_named
from projections.runner import ProjectionRunner
from projections.schema import migrate as migrate_projections
from tests.domain.plans import create_plan, rename
from tests.projections.conftest import Runners
from tests.projections.projector_support import wait_for, wait_until

WORKOUT = projection_named("workout_plans")
REDIS_URL = os.environ.get("FITCOACH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def meta() -> CommandMetadata:
    return CommandMetadata(uuid.uuid4(), uuid.uuid4())


@pytest.fixture
async def cache() -> AsyncIterator[RedisCache]:
    connected = await RedisCache.connect(REDIS_URL, timeout_seconds=1.0)
    yield connected
    await connected.close()


class HiddenTail:
    """The log as a rebuild's replay saw it: events past `cap` are hidden until the replay has read its
    last page, so they are appended, as far as the rebuild can tell, between the replay and the swap."""

    def __init__(self, store: PostgresEventStore, cap: int) -> None:
        self._store = store
        self._cap: int | None = cap

    async def read_all(self, *, after: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        page = await self._store.read_all(after=after, limit=limit)
        if self._cap is None:
            return page
        visible = [event for event in page if event.position <= self._cap]
        if not visible:
            self._cap = None  # the replay is done: the swap's catch-up sees the rest
        return visible

    async def current_position(self) -> int:
        return await self._store.current_position()


async def invalidated(cache: RedisCache, key: CacheKey) -> None:
    async def gone() -> bool:
        return await cache.get(key) is None

    await wait_until(gone, within=5)


async def project_without_telling_the_cache(url: str, events: Sequence[RecordedEvent]) -> None:
    """What a runner that is killed right after its commit leaves behind."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        outcome = await apply_batch(conn, WORKOUT, events)
    assert outcome.applied == len(events)


async def test_a_runner_taking_over_sends_the_invalidations_its_dead_predecessor_did_not(
    projection_url: str, projection_store: PostgresEventStore, runners: Runners, cache: RedisCache
) -> None:
    handler = CommandHandler(projection_store, WORKOUT_PLANS)
    plan_id = uuid.uuid4()
    created = await handler.handle(create_plan(plan_id=plan_id), meta())
    await project_without_telling_the_cache(projection_url, await projection_store.read_all())
    key = CacheKey.plan(plan_id)
    assert await cache.put(key, {"name": "Leg day"}, created.stream_version)
    renamed = await handler.handle(replace(rename("Pull day"), plan_id=plan_id), meta())
    # The rename commits into the read model; its projector dies before invalidating.
    await project_without_telling_the_cache(
        projection_url, await projection_store.read_all(after=created.position)
    )
    stale = await cache.get(key)
    assert stale is not None
    assert stale.value == {"name": "Leg day"}

    runners.start(ProjectionRunner(projection_store, projection_url, WORKOUT, cache=cache))
    await invalidated(cache, key)
    assert not await cache.put(key, {"name": "Leg day"}, created.stream_version), "the tombstone holds"
    assert await cache.put(key, {"name": "Pull day"}, renamed.stream_version)


async def test_a_checkpoint_moved_by_someone_else_hands_over_what_that_batch_made_stale(
    projection_url: str, projection_store: PostgresEventStore
) -> None:
    handler = CommandHandler(projection_store, WORKOUT_PLANS)
    plan_id = uuid.uuid4()
    created = await handler.handle(create_plan(plan_id=plan_id), meta())
    renamed = await handler.handle(replace(rename("Pull day"), plan_id=plan_id), meta())
    first, second = await projection_store.read_all()
    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as conn:
        theirs = await apply_batch(conn, WORKOUT, [first], after=0)
        # This caller last saw position 0: the checkpoint moved without it.
        ours = await apply_batch(conn, WORKOUT, [first, second], after=0)
        again = await apply_batch(conn, WORKOUT, [second], after=ours.position)

    key = CacheKey.plan(plan_id)
    assert (ours.applied, ours.position) == (1, renamed.position)
    assert [(i.key, i.version) for i in theirs.invalidations if i.key == key] == [(key, 1)]
    versions = [i.version for i in ours.invalidations if i.key == key]
    assert versions == [created.stream_version, renamed.stream_version], "theirs first, then ours"
    assert (again.applied, again.invalidations) == (0, []), "nothing moved it since"


async def test_a_rebuild_swap_leaves_its_invalidations_for_the_runner(
    projection_url: str, projection_store: PostgresEventStore, runners: Runners, cache: RedisCache
) -> None:
    handler = CommandHandler(projection_store, WORKOUT_PLANS)
    plan_id = uuid.uuid4()
    created = await handler.handle(create_plan(plan_id=plan_id), meta())
    key = CacheKey.plan(plan_id)
    assert await cache.put(key, {"name": "Leg day"}, created.stream_version)
    renamed = await handler.handle(replace(rename("Pull day"), plan_id=plan_id), meta())

    report = await rebuild(HiddenTail(projection_store, created.position), projection_url, WORKOUT)  # type: ignore[arg-type]
    assert report.position == renamed.position, "the swap caught the rename up"
    assert await cache.get(key) is not None, "a rebuild does not talk to the cache itself"

    runners.start(ProjectionRunner(projection_store, projection_url, WORKOUT, cache=cache))
    await invalidated(cache, key)


async def test_migrating_a_checkpoints_table_from_before_adds_the_column(projection_url: str) -> None:
    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as conn:
        await conn.execute("ALTER TABLE projections.checkpoints DROP COLUMN invalidations")
        await migrate_projections(projection_url)
        position = await checkpoints.position_of(conn, WORKOUT.name)
    assert (position.position, position.invalidations) == (0, [])


async def test_a_runner_that_stops_cleanly_leaves_nothing_to_send_again(
    projection_url: str, projection_store: PostgresEventStore, runners: Runners, cache: RedisCache
) -> None:
    handler = CommandHandler(projection_store, WORKOUT_PLANS)
    created = await handler.handle(create_plan(plan_id=uuid.uuid4()), meta())
    runner = ProjectionRunner(projection_store, projection_url, WORKOUT, cache=cache)
    runners.start(runner)
    await wait_for(projection_url, created.position)
    async with await psycopg.AsyncConnection.connect(projection_url) as conn:
        while_running = await checkpoints.position_of(conn, WORKOUT.name)
        await runners.stop(runner)
        after_stop = await checkpoints.position_of(conn, WORKOUT.name)
    assert while_running.invalidations, "kept until the runner is known to have sent them"
    assert (after_stop.position, after_stop.invalidations) == (created.position, [])
