"""The handler's per-process fold cache: it reads only newer events and never decides on stale state."""

from __future__ import annotations

from uuid import UUID

import pytest

from adapters.memory_store import InMemoryEventStore
from application.eventstore import RecordedEvent
from application.handler import WORKOUT_PLANS, CommandHandler
from domain.errors import DuplicateExercise
from domain.values import Actor
from tests.application.test_handler import STREAM, meta, stored_plan
from tests.domain import add_exercise, create_plan, rename

OTHER_PLAN = UUID("0b6f3c7e-2a51-4d8e-9f10-5c3e2d1a4b77")


class CountingStore(InMemoryEventStore):
    """Records the first version each stream read asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.read_from: list[int] = []

    async def read_stream(
        self,
        stream: str,
        *,
        from_version: int = 1,
        to_version: int | None = None,
        backwards: bool = False,
        limit: int | None = None,
    ) -> list[RecordedEvent]:
        self.read_from.append(from_version)
        return await super().read_stream(
            stream, from_version=from_version, to_version=to_version, backwards=backwards, limit=limit
        )


async def test_a_warm_handler_reads_only_the_events_appended_since_its_last_command():
    store = CountingStore()
    handler = CommandHandler(store, WORKOUT_PLANS)
    await handler.handle(create_plan(), meta("create"))
    await handler.handle(add_exercise("A"), meta("add-a"))
    await handler.handle(add_exercise("B"), meta("add-b"))

    assert store.read_from == [1, 2, 3]
    plan = await stored_plan(store)
    assert plan is not None
    assert [e.exercise_id for e in plan.exercises] == ["A", "B"]


async def test_a_write_by_another_replica_is_folded_in_before_deciding():
    store = InMemoryEventStore()
    replica_a = CommandHandler(store, WORKOUT_PLANS)
    replica_b = CommandHandler(store, WORKOUT_PLANS)
    await replica_a.handle(create_plan(), meta("create"))
    await replica_a.handle(rename("Warm cache"), meta("rename"))

    await replica_b.handle(add_exercise("A"), meta("b-adds-a"))

    with pytest.raises(DuplicateExercise):
        await replica_a.handle(add_exercise("A"), meta("a-adds-a"))
    plan = await stored_plan(store)
    assert plan is not None
    assert [e.exercise_id for e in plan.exercises] == ["A"]


async def test_a_repeated_command_is_recognised_from_the_cache_and_from_a_cold_load():
    store = InMemoryEventStore()
    warm = CommandHandler(store, WORKOUT_PLANS)
    await warm.handle(create_plan(), meta("create"))
    first = await warm.handle(add_exercise("A", actor=Actor.AI_COACH), meta("add-a"))
    await warm.handle(add_exercise("B"), meta("add-b"))

    again_warm = await warm.handle(add_exercise("A", actor=Actor.AI_COACH), meta("add-a"))
    again_cold = await CommandHandler(store, WORKOUT_PLANS).handle(add_exercise("A"), meta("add-a"))

    assert again_warm == first == again_cold
    assert len(await store.read_stream(STREAM)) == 3


async def test_the_cache_is_bounded_and_an_evicted_stream_is_loaded_again_in_full():
    store = CountingStore()
    handler = CommandHandler(store, WORKOUT_PLANS, cached_streams=1)
    await handler.handle(create_plan(), meta("create"))
    await handler.handle(create_plan(plan_id=OTHER_PLAN), meta("create-other"))

    await handler.handle(add_exercise("A"), meta("add-a"))

    assert store.read_from == [1, 1, 1]
