"""Snapshots the command path cannot use (newer, malformed, foreign or ahead of the log) or cannot reach
only cost a full fold of the stream: the command does just what it would have done without them."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace

import pytest

from adapters.memory.snapshots import InMemorySnapshots
from adapters.memory.store import InMemoryEventStore
from application.handler import CommandHandler
from application.snapshots import Snapshot, SnapshotsUnavailable
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.snapshot import SCHEMA_VERSION
from tests.application.snapshots.snapshot_support import (
    STREAM,
    full_fold,
    given_three_commands,
    handler_on,
    meta,
)
from tests.domain.plans import update_exercise


class BrokenSnapshots:
    def __init__(self) -> None:
        self.calls = 0

    async def load(self, stream: str) -> Snapshot | None:
        self.calls += 1
        raise SnapshotsUnavailable("down")

    async def save(self, snapshot: Snapshot) -> None:
        self.calls += 1
        raise SnapshotsUnavailable("down")

    async def close(self) -> None:
        return None


def unreadable(saved: Snapshot) -> dict[str, Snapshot]:
    return {
        "newer schema": replace(saved, schema_version=SCHEMA_VERSION + 1),
        "malformed state": replace(saved, state={"pool": "nonsense"}),
        "other aggregate": replace(saved, state_type="User"),
        "from another log": replace(saved, last_event_id=uuid.uuid4()),
        "ahead of the log": replace(saved, stream_version=9, position=9),
    }


@pytest.mark.parametrize("kind", list(unreadable(Snapshot("", 0, 0, uuid.uuid4(), "", 0, {}, ()))))
async def test_a_snapshot_that_cannot_be_used_only_costs_a_full_fold(store, kind):
    with_snapshots = InMemorySnapshots()
    await given_three_commands(handler_on(store, with_snapshots))
    good = await with_snapshots.load(STREAM)
    assert good is not None
    bad = InMemorySnapshots()
    await bad.save(unreadable(good)[kind])
    reference = InMemoryEventStore()
    await given_three_commands(CommandHandler(reference, WORKOUT_PLANS))
    store.reads.clear()

    result = await handler_on(store, bad).handle(update_exercise("A", sets=3), meta("update"))

    assert result == await CommandHandler(reference, WORKOUT_PLANS).handle(
        update_exercise("A", sets=3), meta("update")
    )
    assert store.reads[-1] == (1, None)
    assert await full_fold(store) == await full_fold(reference)


async def test_without_reachable_snapshots_commands_fold_whole_streams(store, caplog):
    broken = BrokenSnapshots()
    handler = handler_on(store, broken, every=1)

    with caplog.at_level(logging.WARNING, logger="fitcoach.snapshots"):
        await given_three_commands(handler)

    assert broken.calls == 6
    assert len([r for r in caplog.records if "snapshots unavailable" in r.getMessage()]) == 1
    plan = await full_fold(store)
    assert plan is not None
    assert plan.exercise_ids == ("A", "B")
