"""The one path every command takes: load the stream, fold, decide, encode, append with the expected version.

The handler is generic over a `Decider` bundle (`domain.decider`), each defined with its aggregate. With
`Snapshots` and a decider that has a snapshot codec, "load" is the latest snapshot plus the events after
it (`application.stream_state`), and a command that crosses a multiple of `snapshot_every` events saves
a new one. A command id sent again is answered with its first result if the command is in the loaded
events or among the snapshot's remembered commands (at least the stream's last `remembered_commands`);
an older one is decided afresh, and as its derived event ids are already stored, the store refuses the
append (`CONFLICT`): it is never written twice.

The events are chained (`application.integrity.chain`) to the hash of the last event loaded, at the
version the append expects: the store's version check makes that event the one they follow. Before that,
an aggregate whose events hold personal data (`Decider.data_subject`) has those fields sealed with the
person's key (`application.privacy.vault`), so the chain covers the sealed form and erasure keeps it whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from uuid import UUID, uuid5

from application.eventstore import (
    EventMetadata,
    EventStore,
    ExpectedVersion,
    NewEvent,
    StreamState,
    WrongExpectedVersion,
)
from application.integrity.chain import chain_events
from application.privacy.vault import PersonalDataVault
from application.snapshots import REMEMBERED_COMMANDS, Snapshots
from application.stream_state import SnapshotPolicy, StreamStates
from domain.decider import Command, Decider
from domain.errors import ConcurrencyConflict

C = TypeVar("C", bound=Command)
S = TypeVar("S")
E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class CommandMetadata:
    command_id: UUID
    """Chosen by the caller; sending the same command again with the same id changes nothing."""
    correlation_id: UUID
    causation_id: UUID | None = None
    user_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class CommandResult(Generic[E]):
    stream_version: int
    position: int
    """Global position of the command's last event (or of the stream's last event for a no-op)."""
    events: tuple[E, ...]
    repeated: bool = field(default=False, compare=False)
    """True when the command id had been handled before: its first result (equal to it), nothing appended."""
    state: object = field(default=None, compare=False)
    """The aggregate's state after the write (for a repeated command: its state as loaded now)."""


class CommandHandler(Generic[C, S, E]):
    def __init__(
        self,
        store: EventStore,
        decider: Decider[C, S, E],
        *,
        retries: int = 3,
        snapshots: Snapshots | None = None,
        snapshot_every: int = 0,
        remembered_commands: int = REMEMBERED_COMMANDS,
        vault: PersonalDataVault | None = None,
    ) -> None:
        """`snapshots` are used when `snapshot_every` > 0 and the decider has a snapshot codec. `vault` is
        required for a decider whose events hold personal data: they are never written unsealed."""
        if retries < 0 or snapshot_every < 0 or remembered_commands < 0:
            raise ValueError("retries, snapshot_every and remembered_commands must be 0 or more")
        if decider.data_subject is not None and vault is None:
            raise ValueError("this aggregate's events hold personal data: its handler needs a vault")
        self._vault = vault
        self._store = store
        self._decider = decider
        self._retries = retries
        policy = None
        if snapshots is not None and decider.snapshot is not None and snapshot_every > 0:
            policy = SnapshotPolicy(snapshots, decider.snapshot, snapshot_every, remembered_commands)
        self._streams: StreamStates[S, E] = StreamStates(store, decider.decode, decider.evolve, policy)

    async def handle(
        self,
        command: C,
        metadata: CommandMetadata,
        *,
        expected_version: int | None = None,
        guard: Callable[[S | None], None] | None = None,
    ) -> CommandResult[E]:
        """Decide and append. Raises DomainError; on concurrent writes re-decides up to `retries` times.

        `guard` sees the folded state before anything else and raises to refuse the command (who may
        change this aggregate is a question for the caller, answered on the same state `decide` sees).
        """
        stream = self._decider.stream_name(command)
        current_version = 0
        for _attempt in range(self._retries + 1):
            loaded = await self._streams.load(stream)
            if guard is not None:
                guard(loaded.state)
            earlier = await self._streams.earlier(stream, loaded, metadata.command_id)
            if earlier:
                last, _ = earlier[-1]
                first_result = tuple(event for _, event in earlier)
                return CommandResult(
                    last.stream_version, last.position, first_result, repeated=True, state=loaded.state
                )
            if expected_version is not None and expected_version != loaded.version:
                raise ConcurrencyConflict(loaded.version)
            events = self._decider.decide(command, loaded.state)
            if not events:
                return CommandResult(loaded.version, loaded.position, (), state=loaded.state)
            expected: ExpectedVersion = loaded.version if loaded.version else StreamState.NO_STREAM
            new_events = await self._sealed(
                loaded.state, events, self._new_events(stream, command, metadata, events)
            )
            new_events = chain_events(loaded.head_hash, new_events)
            try:
                appended = await self._store.append(stream, new_events, expected)
            except WrongExpectedVersion as conflict:
                current_version = conflict.actual
                continue
            await self._streams.appended(stream, loaded, metadata.command_id, new_events, appended)
            state = loaded.state
            for event in events:
                state = self._decider.evolve(state, event)
            return CommandResult(appended.stream_version, appended.position, tuple(events), state=state)
        raise ConcurrencyConflict(current_version)

    async def _sealed(
        self, state: S | None, events: Sequence[E], new_events: list[NewEvent]
    ) -> list[NewEvent]:
        data_subject = self._decider.data_subject
        if data_subject is None or self._vault is None:
            return new_events
        subjects = []
        for event in events:
            subjects.append(data_subject(state, event))
            state = self._decider.evolve(state, event)
        return await self._vault.seal(new_events, subjects)

    def _new_events(
        self, stream: str, command: C, metadata: CommandMetadata, events: Sequence[E]
    ) -> list[NewEvent]:
        envelope = EventMetadata(
            actor=str(command.actor),
            command_id=metadata.command_id,
            correlation_id=metadata.correlation_id,
            causation_id=metadata.causation_id,
            user_id=metadata.user_id,
        )
        new_events = []
        for index, event in enumerate(events):
            event_type, schema_version, data = self._decider.encode(event)
            # Deterministic ids make a retried append of the same command idempotent in the store;
            # the stream is part of the name so one command id can never collide across streams.
            event_id = uuid5(metadata.command_id, f"{stream}:{index}")
            new_events.append(NewEvent(event_id, event_type, schema_version, data, envelope))
        return new_events
