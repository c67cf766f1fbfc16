"""The workout read model equals the domain's fold of each plan stream, however the log is batched,
and applying a batch again changes nothing."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from adapters.postgres.store import PostgresEventStore
from application.handler import CommandHandler, CommandMetadata
from domain.errors import DomainError
from domain.plans import Plan, fold
from domain.plans.decider import WORKOUT_PLANS
from projections.batch import apply_batch
from projections.registry import projection_named
from tests.domain.plans import ARCHIVE_AT, draw_command
from tests.projections.conftest import projector_database
from tests.projections.projector_support import (
    ReadModel,
    actual_read_model,
    checkpoint,
    expected_read_model,
    write_workload,
)

WORKOUT = projection_named("workout_plans")


@dataclass
class Shared:
    url: str
    store: PostgresEventStore
    conn: psycopg.AsyncConnection


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[Shared]:
    """One database for every Hypothesis example; each example works on plans of its own."""
    async with projector_database() as url:
        store = await PostgresEventStore.connect(url, max_size=2)
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
        try:
            yield Shared(url, store, conn)
        finally:
            await conn.close()
            await store.close()


def only(model: ReadModel, plan_ids: set[uuid.UUID]) -> ReadModel:
    return ReadModel(
        [row for row in model.plans if row[0] in plan_ids],
        [row for row in model.exercises if row[0] in plan_ids],
        [row for row in model.versions if row[0] in plan_ids],
    )


def cuts(data: st.DataObject, count: int) -> list[int]:
    """Random batch boundaries over `count` events."""
    inner = (
        data.draw(st.sets(st.integers(1, max(count - 1, 1)), max_size=8), label="cuts")
        if count > 1
        else set()
    )
    return [0, *sorted(inner), count]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@for_all(st.data())
async def test_random_commands_project_to_the_domain_fold_in_any_batching(
    shared: Shared, data: st.DataObject
) -> None:
    handler = CommandHandler(shared.store, WORKOUT_PLANS)
    plan_ids = [uuid.uuid4() for _ in range(data.draw(st.integers(1, 3), label="plans"))]
    archive_at = {plan_id: data.draw(ARCHIVE_AT, label="archive_at") for plan_id in plan_ids}
    states: dict[uuid.UUID, Plan | None] = dict.fromkeys(plan_ids)
    start = await shared.store.current_position()
    for step in range(data.draw(st.integers(1, 90), label="steps")):
        plan_id = data.draw(st.sampled_from(plan_ids), label="plan")
        command = replace(draw_command(data, states[plan_id], step, archive_at[plan_id]), plan_id=plan_id)
        try:
            result = await handler.handle(command, CommandMetadata(uuid.uuid4(), uuid.uuid4()))
        except DomainError:
            continue
        states[plan_id] = fold(result.events, states[plan_id])

    events = await shared.store.read_all(after=start, limit=100_000)
    bounds = cuts(data, len(events))
    batches = [events[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    for batch in batches:
        outcome = await apply_batch(shared.conn, WORKOUT, batch)
        assert outcome.applied == len(batch)

    wanted = set(plan_ids)
    projected = only(await actual_read_model(shared.url), wanted)
    assert projected == only(await expected_read_model(shared.store), wanted)

    position = (await checkpoint(shared.url))[0]
    for batch in batches:
        outcome = await apply_batch(shared.conn, WORKOUT, batch)
        assert (outcome.applied, outcome.invalidations) == (0, [])
    assert only(await actual_read_model(shared.url), wanted) == projected
    assert (await checkpoint(shared.url))[0] == position


async def test_a_realistic_interleaved_log_projects_to_the_domain_fold(projection_url, projection_store):
    head = await write_workload(projection_store, plans=12, commands=1500, seed=7)
    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as conn:
        position = 0
        while page := await projection_store.read_all(after=position, limit=97):
            await apply_batch(conn, WORKOUT, page)
            position = page[-1].position

    projected = await actual_read_model(projection_url)
    assert projected == await expected_read_model(projection_store)
    assert len(projected.plans) == 12
    assert projected.exercises
    assert projected.versions
    assert (await checkpoint(projection_url))[0] == head
