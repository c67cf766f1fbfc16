"""A command repeated after a snapshot was saved: one the snapshot remembers gets its first result, and
one beyond the remembered commands is refused rather than written twice."""

from __future__ import annotations

import pytest

from domain.errors import ConcurrencyConflict
from tests.application.snapshots.snapshot_support import full_fold, handler_on, meta
from tests.domain.plans import add_exercise, create_plan, create_version, rename


async def test_a_command_repeated_after_a_snapshot_returns_its_first_result(store, snapshots):
    handler = handler_on(store, snapshots, every=1)
    await handler.handle(create_plan(), meta("create"))
    first = await handler.handle(add_exercise("A"), meta("add-a"))
    await handler.handle(add_exercise("B"), meta("add-b"))
    await handler.handle(create_version(), meta("version"))
    store.reads.clear()

    again = await handler_on(store, snapshots, every=1).handle(add_exercise("A"), meta("add-a"))

    assert again == first
    assert store.reads == [(4, None), (2, 2)]
    assert await store.current_position() == 4


async def test_a_command_repeated_beyond_the_remembered_ones_is_refused_not_written_twice(store, snapshots):
    handler = handler_on(store, snapshots, every=1, remembered=2)
    await handler.handle(create_plan(), meta("create"))
    await handler.handle(rename("Push day"), meta("rename"))
    for name in ("Pull day", "Leg day", "Arm day"):
        await handler.handle(rename(name), meta(name))

    with pytest.raises(ConcurrencyConflict):
        await handler.handle(rename("Push day"), meta("rename"))
    assert await store.current_position() == 5
    plan = await full_fold(store)
    assert plan is not None
    assert plan.name == "Arm day"
