"""Snapshots never change what a command does: random command runs on cold handlers with snapshots give
the results, errors and log of handlers that fold whole streams, and the snapshot saved is the fold."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from adapters.memory.snapshots import InMemorySnapshots
from adapters.memory.store import InMemoryEventStore
from application.eventstore import RecordedEvent
from application.handler import CommandHandler, CommandMetadata, CommandResult
from domain.errors import DomainError
from domain.plans import Plan, decode, fold
from domain.plans.commands import PlanCommand
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.snapshot import encode_plan
from tests.application.snapshots.snapshot_support import STREAM, Handler, full_fold, handler_on, meta
from tests.domain.plans import ARCHIVE_AT, STEPS, T0, draw_command


def without_times(events: list[RecordedEvent]) -> list[RecordedEvent]:
    return [replace(event, recorded_at=T0) for event in events]


async def outcome(handler: Handler, command: PlanCommand, metadata: CommandMetadata) -> object:
    try:
        return await handler.handle(command, metadata)
    except DomainError as error:
        return error.code


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_all(st.data())
async def test_snapshots_never_change_what_a_command_does(data):
    """Each command runs on a cold handler with snapshots and on one that folds whole streams: the same
    result or error, and the same log. A repeat of a recent command is answered the same, too."""
    every = data.draw(st.integers(1, 6), label="snapshot every")
    remembered = data.draw(st.integers(1, 3), label="remembered commands")
    store, snapshots, reference = InMemoryEventStore(), InMemorySnapshots(), InMemoryEventStore()
    state: Plan | None = None
    done: list[tuple[PlanCommand, CommandMetadata]] = []
    archive_at = data.draw(ARCHIVE_AT, label="archive_at")
    for step in range(data.draw(STEPS, label="steps")):
        repeat = bool(done) and data.draw(st.integers(0, 9), label="repeat") == 0
        if repeat:
            command, metadata = data.draw(st.sampled_from(done[-remembered:]), label="repeated")
        else:
            command, metadata = draw_command(data, state, step, archive_at), meta(f"step-{step}")
        with_snapshots = await outcome(handler_on(store, snapshots, every, remembered), command, metadata)
        folding = await outcome(CommandHandler(reference, WORKOUT_PLANS), command, metadata)
        assert with_snapshots == folding
        # Only commands that appended are remembered by the stream: a command that changed nothing leaves
        # no trace, so sent again later it is decided afresh and may append then (a new command, in effect).
        if not repeat and isinstance(folding, CommandResult) and folding.events:
            done.append((command, metadata))
        state = await full_fold(reference)

    assert without_times(await store.read_all(limit=10_000)) == without_times(
        await reference.read_all(limit=10_000)
    )
    saved = await snapshots.load(STREAM)
    if saved is not None:
        head = await store.read_stream(STREAM, to_version=saved.stream_version)
        folded = fold(decode(e.type, e.schema_version, e.data) for e in head)
        assert folded is not None
        assert saved.state == encode_plan(folded)
