"""Support for the projector tests: a realistic plan workload, the read model as rows, and the oracle.

The oracle (`expected_read_model`) folds each plan stream with the domain's full `fold`, independently
of the projector's own folding code, and lays the result out as the read-model tables.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import psycopg
from psycopg import sql

from application.eventstore import EventMetadata, EventStore, NewEvent, StreamState
from domain.event_codec import to_json
from domain.plans import Plan, decode, encode, fold
from domain.plans.commands import PlanCommand
from domain.plans.events import PlanEvent
from domain.plans.streams import plan_stream
from tests.domain.plans import (
    T0,
    add_exercise,
    archive,
    create_plan,
    create_version,
    decide_or_error,
    exercise,
    remove_exercise,
    rename,
    reorder,
    revert,
    update_exercise,
)

EXERCISE_IDS = tuple(f"Exercise_{index}" for index in range(12))
POLL_SECONDS = 0.02


@dataclass(frozen=True)
class ReadModel:
    plans: list[tuple[Any, ...]]
    exercises: list[tuple[Any, ...]]
    versions: list[tuple[Any, ...]]


def random_command(rng: random.Random, plan_id: uuid.UUID, state: Plan | None, step: int) -> PlanCommand:
    """A command that mostly fits `state` (the workout mix: many updates, some versions and reverts)."""
    current = list(state.exercise_ids) if state is not None else []
    roll = rng.random()
    command: PlanCommand
    if state is None:
        command = create_plan(owner_id=uuid.UUID(int=rng.getrandbits(128)), name=f"Plan {rng.randrange(99)}")
    elif roll < 0.3 or not current:
        command = add_exercise(exercise(rng.choice(EXERCISE_IDS), sets=rng.randint(1, 10)))
    elif roll < 0.65:
        weight = rng.choice([0.0, 20.0, 62.5, 100.0])
        command = update_exercise(rng.choice(current), reps=rng.randint(1, 20), weight_kg=weight)
    elif roll < 0.72:
        command = remove_exercise(rng.choice(current))
    elif roll < 0.79:
        command = reorder(*rng.sample(current, len(current)))
    elif roll < 0.89:
        command = create_version(f"Week {step}")
    elif roll < 0.94:
        command = revert(rng.randint(1, max(state.latest_version or 1, 1)))
    elif roll < 0.995:
        command = rename(f"Plan {rng.randrange(99)}")
    else:
        command = archive()
    return replace(command, plan_id=plan_id, at=T0 + timedelta(minutes=step))


async def write_workload(store: EventStore, *, plans: int, commands: int, seed: int) -> int:
    """Append `commands` commands' events, interleaved over `plans` plans; return the log's last position."""
    rng = random.Random(seed)
    plan_ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(plans)]
    states: dict[uuid.UUID, Plan | None] = dict.fromkeys(plan_ids)
    versions: dict[uuid.UUID, int] = dict.fromkeys(plan_ids, 0)
    position = 0
    for step in range(commands):
        plan_id = rng.choice(plan_ids)
        events = decide_or_error(random_command(rng, plan_id, states[plan_id], step), states[plan_id])
        if isinstance(events, Exception) or not events:
            continue
        expected = versions[plan_id] or StreamState.NO_STREAM
        result = await store.append(plan_stream(plan_id), new_events(rng, events), expected)
        states[plan_id] = fold(events, states[plan_id])
        versions[plan_id], position = result.stream_version, result.position
    return position


def new_events(rng: random.Random, events: list[PlanEvent]) -> list[NewEvent]:
    command_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    metadata = EventMetadata(actor="user", command_id=command_id, correlation_id=command_id)
    encoded = [encode(event) for event in events]
    return [
        NewEvent(uuid.UUID(int=rng.getrandbits(128), version=4), kind, version, data, metadata)
        for kind, version, data in encoded
    ]


async def expected_read_model(store: EventStore) -> ReadModel:
    """The read model a replay of every plan stream with the domain's `fold` gives."""
    streams: defaultdict[str, list[Any]] = defaultdict(list)
    position = 0
    while page := await store.read_all(after=position, limit=1000):
        for event in page:
            if event.stream.startswith("workout-"):
                streams[event.stream].append(event)
        position = page[-1].position
    plans, exercises, versions = [], [], []
    for recorded in streams.values():
        plan = fold(decode(e.type, e.schema_version, e.data) for e in recorded)
        if plan is None:
            continue
        last = recorded[-1]
        plans.append(
            (
                *(plan.plan_id, plan.owner_id, plan.name, plan.description, plan.difficulty.value),
                *(plan.duration_minutes, last.stream_version, plan.latest_version, not plan.archived),
                *(plan.created_by.value, plan.created_at, plan.updated_at, last.position),
            )
        )
        exercises += [(plan.plan_id, order, to_json(e)) for order, e in enumerate(plan.exercises, start=1)]
        versions += [
            (
                plan.plan_id,
                v.number,
                v.parent,
                to_json(v.exercises),
                v.change_description,
                *(v.changed_by.value, v.created_at),
            )
            for v in plan.versions
        ]
    return ReadModel(sorted(plans), sorted(exercises, key=_key), sorted(versions, key=_key))


async def actual_read_model(url: str, schema: str = "workout") -> ReadModel:
    s = sql.Identifier(schema)
    async with await psycopg.AsyncConnection.connect(url) as conn:
        plans = await (
            await conn.execute(sql.SQL("SELECT * FROM {}.workout_plans ORDER BY id").format(s))
        ).fetchall()
        exercises = await (
            await conn.execute(
                sql.SQL(
                    "SELECT plan_id, exercise_order, exercise_data FROM {}.workout_exercises"
                    " ORDER BY plan_id, exercise_order"
                ).format(s)
            )
        ).fetchall()
        versions = await (
            await conn.execute(
                sql.SQL("SELECT * FROM {}.plan_versions ORDER BY plan_id, version_number").format(s)
            )
        ).fetchall()
    return ReadModel(list(plans), list(exercises), list(versions))


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return row[0], row[1]


async def checkpoint(url: str, name: str = "workout_plans") -> tuple[int, str, str | None]:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = await conn.execute(
            "SELECT position, state, error FROM projections.checkpoints WHERE name = %s", (name,)
        )
        row = await cursor.fetchone()
    assert row is not None
    return row[0], row[1], row[2]


async def wait_for(url: str, position: int, *, name: str = "workout_plans", within: float = 30.0) -> None:
    """Wait (bounded, so a broken projector fails the test instead of hanging it) for the checkpoint."""

    async def reached() -> bool:
        return (await checkpoint(url, name))[0] >= position

    await wait_until(reached, within=within)


async def wait_until(predicate: Callable[[], Awaitable[bool]], *, within: float = 30.0) -> None:
    for _ in range(int(within / POLL_SECONDS)):
        if await predicate():
            return
        await asyncio.sleep(POLL_SECONDS)
    raise TimeoutError(f"not reached within {within} s")
