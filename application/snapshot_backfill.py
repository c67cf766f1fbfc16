"""Backfill: from the log, the snapshots the command path would have saved had it written every event.

For a log written before snapshots were turned on (or loaded in bulk, as the benchmark does), or after a
snapshot schema change made the stored ones unreadable. One pass over `read_all`; per stream the state is
folded with the decider's own `decode`/`evolve`, and a snapshot is taken after each command (a run of
consecutive events with one command id) that crosses a multiple of `every` events, with the commands
before it remembered, exactly as `application.stream_state` does. Only each stream's last one is saved.
Every stream's state is held in memory until the end: fine for thousands of streams, not for millions.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from application.eventstore import EventStore, RecordedEvent
from application.snapshots import REMEMBERED_COMMANDS, RecentCommand, Snapshot, Snapshots, snapshot_due
from domain.decider import Decider


@dataclass(slots=True)
class _Stream:
    recent: deque[RecentCommand]
    state: Any = None
    command: RecentCommand | None = None
    last: RecordedEvent | None = None
    taken: tuple[Any, RecordedEvent, tuple[RecentCommand, ...]] | None = None


async def backfill_snapshots(
    store: EventStore,
    snapshots: Snapshots,
    decider: Decider[Any, Any, Any],
    *,
    stream_prefix: str,
    every: int,
    remembered_commands: int = REMEMBERED_COMMANDS,
    page_size: int = 1000,
) -> int:
    """Save the snapshots of every stream named `stream_prefix...`; returns how many were saved."""
    codec = decider.snapshot
    if codec is None or every <= 0:
        return 0
    streams: dict[str, _Stream] = {}
    after = 0
    while page := await store.read_all(after=after, limit=page_size):
        after = page[-1].position
        for record in page:
            if not record.stream.startswith(stream_prefix):
                continue
            stream = streams.get(record.stream)
            if stream is None:
                stream = streams[record.stream] = _Stream(deque(maxlen=remembered_commands))
            _fold(stream, record, decider, every)
    saved = 0
    for name, stream in streams.items():
        _close_command(stream, every)
        if stream.taken is None:
            continue
        state, last, recent = stream.taken
        await snapshots.save(
            Snapshot(
                stream=name,
                stream_version=last.stream_version,
                position=last.position,
                last_event_id=last.event_id,
                state_type=codec.state_type,
                schema_version=codec.schema_version,
                state=codec.encode(state),
                recent_commands=recent,
            )
        )
        saved += 1
    return saved


def _fold(stream: _Stream, record: RecordedEvent, decider: Decider[Any, Any, Any], every: int) -> None:
    command_id, version = record.metadata.command_id, record.stream_version
    current = stream.command
    if current is not None and (current.command_id != command_id or current.last_version != version - 1):
        _close_command(stream, every)
        current = None
    event = decider.decode(record.type, record.schema_version, record.data)
    stream.state = decider.evolve(stream.state, event)
    first = version if current is None else current.first_version
    stream.command = RecentCommand(command_id, first, version)
    stream.last = record


def _close_command(stream: _Stream, every: int) -> None:
    command, last = stream.command, stream.last
    if command is None or last is None:
        return
    stream.recent.append(command)
    stream.command = None
    if stream.state is not None and snapshot_due(every, command.first_version - 1, command.last_version):
        stream.taken = (stream.state, last, tuple(stream.recent))
