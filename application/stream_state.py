"""Loading a stream's folded state for the command path: a snapshot plus the events after it, or a fold
of the whole stream; and saving a snapshot after an append that crossed the snapshot interval.

Snapshots only save work. One is used when its state decodes and the stream still holds its last event
(same version, same event id); otherwise the stream is folded from the start. Failing to read or write
one is logged (once per outage), never raised.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from application.eventstore import AppendResult, EventStore, NewEvent, RecordedEvent
from application.snapshots import RecentCommand, Snapshot, Snapshots, SnapshotsUnavailable, snapshot_due
from domain.decider import StateCodec

log = logging.getLogger("fitcoach.snapshots")
S = TypeVar("S")
E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class Loaded(Generic[S, E]):
    state: S | None
    version: int
    position: int
    tail: list[tuple[RecordedEvent, E]]
    """The events read and folded: those after the snapshot, or the whole stream without one."""
    remembered: tuple[RecentCommand, ...] = ()
    """The snapshot's latest commands before `tail`."""
    head_hash: str | None = None
    """The chain hash of the event at `version`, which the next append links to."""


@dataclass(frozen=True, slots=True)
class SnapshotPolicy(Generic[S]):
    snapshots: Snapshots
    codec: StateCodec[S]
    every: int
    """Save a snapshot when a command crosses a multiple of this many events."""
    remembered_commands: int


class StreamStates(Generic[S, E]):
    def __init__(
        self,
        store: EventStore,
        decode: Callable[[str, int, Mapping[str, Any]], E],
        evolve: Callable[[S | None, E], S | None],
        policy: SnapshotPolicy[S] | None,
    ) -> None:
        self._store = store
        self._decode = decode
        self._evolve = evolve
        self._policy = policy
        self._outage = False

    async def load(self, stream: str) -> Loaded[S, E]:
        snapshot = await self._snapshot(stream)
        if snapshot is not None and self._policy is not None:
            state = self._policy.codec.decode(snapshot.schema_version, snapshot.state)
            if state is not None:
                records = await self._store.read_stream(stream, from_version=snapshot.stream_version)
                if records and (records[0].stream_version, records[0].event_id) == (
                    snapshot.stream_version,
                    snapshot.last_event_id,
                ):
                    return self._folded(state, records[0], records[1:], snapshot.recent_commands)
        return self._folded(None, None, await self._store.read_stream(stream), ())

    async def earlier(
        self, stream: str, loaded: Loaded[S, E], command_id: UUID
    ) -> list[tuple[RecordedEvent, E]]:
        """The events command `command_id` already appended to the stream, if it is known there."""
        found = [pair for pair in loaded.tail if pair[0].metadata.command_id == command_id]
        hits = [command for command in loaded.remembered if command.command_id == command_id]
        if hits:
            records = await self._store.read_stream(
                stream,
                from_version=min(hit.first_version for hit in hits),
                to_version=max(hit.last_version for hit in hits),
            )
            found[:0] = [
                (record, self._decode(record.type, record.schema_version, record.data))
                for record in records
                if record.metadata.command_id == command_id
            ]
        return found

    async def appended(
        self,
        stream: str,
        loaded: Loaded[S, E],
        command_id: UUID,
        events: Sequence[NewEvent],
        result: AppendResult,
    ) -> None:
        """After the command's append: save a snapshot if it crossed the interval."""
        policy = self._policy
        if (
            policy is None
            or not events
            or not snapshot_due(policy.every, loaded.version, result.stream_version)
        ):
            return
        state = loaded.state
        for event in events:  # what a later load folds: the events as stored, read back
            state = self._evolve(state, self._decode(event.type, event.schema_version, event.data))
        if state is None:
            return
        commands = [*loaded.remembered, *_commands(loaded.tail)]
        commands.append(RecentCommand(command_id, loaded.version + 1, result.stream_version))
        kept = policy.remembered_commands
        snapshot = Snapshot(
            stream=stream,
            stream_version=result.stream_version,
            position=result.position,
            last_event_id=events[-1].event_id,
            state_type=policy.codec.state_type,
            schema_version=policy.codec.schema_version,
            state=policy.codec.encode(state),
            recent_commands=tuple(commands[-kept:] if kept > 0 else ()),
        )
        try:
            await policy.snapshots.save(snapshot)
        except SnapshotsUnavailable as error:
            self._down(error)
        except Exception:  # the command is committed: a snapshot that cannot be saved must not fail it
            log.exception("could not save the snapshot of %s at version %d", stream, snapshot.stream_version)
        else:
            self._up()

    async def _snapshot(self, stream: str) -> Snapshot | None:
        if self._policy is None:
            return None
        try:
            snapshot = await self._policy.snapshots.load(stream)
        except SnapshotsUnavailable as error:
            self._down(error)
            return None
        self._up()
        if snapshot is None or snapshot.state_type != self._policy.codec.state_type:
            return None
        return snapshot

    def _folded(
        self,
        state: S | None,
        base: RecordedEvent | None,
        records: list[RecordedEvent],
        remembered: tuple[RecentCommand, ...],
    ) -> Loaded[S, E]:
        pairs: list[tuple[RecordedEvent, E]] = []
        for record in records:
            event = self._decode(record.type, record.schema_version, record.data)
            state = self._evolve(state, event)
            pairs.append((record, event))
        last = records[-1] if records else base
        if last is None:
            return Loaded(state, 0, 0, pairs)
        return Loaded(state, last.stream_version, last.position, pairs, remembered, last.metadata.chain_hash)

    def _down(self, error: SnapshotsUnavailable) -> None:
        if not self._outage:
            self._outage = True
            log.warning("snapshots unavailable, folding whole streams meanwhile: %s", error)

    def _up(self) -> None:
        if self._outage:
            self._outage = False
            log.info("snapshots available again")


def _commands(tail: list[tuple[RecordedEvent, Any]]) -> list[RecentCommand]:
    """The commands of `tail`, in order: runs of consecutive events with one command id."""
    commands: list[RecentCommand] = []
    for record, _ in tail:
        command_id, version = record.metadata.command_id, record.stream_version
        if commands and commands[-1].command_id == command_id and commands[-1].last_version == version - 1:
            commands[-1] = RecentCommand(command_id, commands[-1].first_version, version)
        else:
            commands.append(RecentCommand(command_id, version, version))
    return commands
