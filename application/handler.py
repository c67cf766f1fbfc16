"""The one path every command takes: load the stream, fold, decide, encode, append with the expected version.

The handler is generic over a `Decider` bundle, so other event-sourced aggregates can reuse it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID, uuid5

from application.eventstore import (
    EventMetadata,
    EventStore,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StreamState,
    WrongExpectedVersion,
)
from domain import Plan, decide, decode, encode, evolve
from domain.commands import PlanCommand
from domain.errors import ConcurrencyConflict
from domain.events import PlanEvent


class Command(Protocol):
    @property
    def actor(self) -> str: ...


C = TypeVar("C", bound=Command)
S = TypeVar("S")
E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class Decider(Generic[C, S, E]):
    decide: Callable[[C, S | None], list[E]]
    evolve: Callable[[S | None, E], S | None]
    stream_name: Callable[[C], str]
    encode: Callable[[E], tuple[str, int, dict[str, Any]]]
    decode: Callable[[str, int, Mapping[str, Any]], E]


def workout_plan_stream(plan_id: UUID) -> str:
    return f"workout-{plan_id}"


WORKOUT_PLANS: Decider[PlanCommand, Plan, PlanEvent] = Decider(
    decide=decide,
    evolve=evolve,
    stream_name=lambda command: workout_plan_stream(command.plan_id),
    encode=encode,
    decode=decode,
)


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


@dataclass(frozen=True, slots=True)
class _Loaded(Generic[S, E]):
    state: S | None
    recorded: list[tuple[RecordedEvent, E]]

    @property
    def version(self) -> int:
        return self.recorded[-1][0].stream_version if self.recorded else 0

    @property
    def position(self) -> int:
        return self.recorded[-1][0].position if self.recorded else 0


class CommandHandler(Generic[C, S, E]):
    def __init__(self, store: EventStore, decider: Decider[C, S, E], *, retries: int = 3) -> None:
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        self._store = store
        self._decider = decider
        self._retries = retries

    async def handle(
        self, command: C, metadata: CommandMetadata, *, expected_version: int | None = None
    ) -> CommandResult[E]:
        """Decide and append. Raises DomainError; on concurrent writes re-decides up to `retries` times."""
        stream = self._decider.stream_name(command)
        current_version = 0
        for _attempt in range(self._retries + 1):
            loaded = await self._load(stream)
            earlier = _earlier_result(loaded, metadata.command_id)
            if earlier is not None:
                return earlier
            if expected_version is not None and expected_version != loaded.version:
                raise ConcurrencyConflict(loaded.version)
            events = self._decider.decide(command, loaded.state)
            if not events:
                return CommandResult(loaded.version, loaded.position, ())
            expected: ExpectedVersion = loaded.version if loaded.recorded else StreamState.NO_STREAM
            try:
                appended = await self._store.append(
                    stream, self._new_events(stream, command, metadata, events), expected
                )
            except WrongExpectedVersion as conflict:
                current_version = conflict.actual
                continue
            return CommandResult(appended.stream_version, appended.position, tuple(events))
        raise ConcurrencyConflict(current_version)

    async def _load(self, stream: str) -> _Loaded[S, E]:
        recorded = await self._store.read_stream(stream)
        state: S | None = None
        pairs: list[tuple[RecordedEvent, E]] = []
        for record in recorded:
            event = self._decider.decode(record.type, record.schema_version, record.data)
            state = self._decider.evolve(state, event)
            pairs.append((record, event))
        return _Loaded(state, pairs)

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


def _earlier_result(loaded: _Loaded[S, E], command_id: UUID) -> CommandResult[E] | None:
    earlier = [
        (record, event) for record, event in loaded.recorded if record.metadata.command_id == command_id
    ]
    if not earlier:
        return None
    last, _ = earlier[-1]
    return CommandResult(last.stream_version, last.position, tuple(event for _, event in earlier))
