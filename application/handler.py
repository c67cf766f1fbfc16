"""The one path every command takes: load the stream, fold, decide, encode, append with the expected version.

The handler is generic over a `Decider` bundle, so other event-sourced aggregates can reuse it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID, uuid5

from application.eventstore import (
    EventMetadata,
    EventStore,
    ExpectedVersion,
    NewEvent,
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
    """A stream folded up to `version`, with what each command in it wrote (to answer a repeat)."""

    state: S | None
    version: int
    position: int
    by_command: Mapping[UUID, tuple[int, int, int]]
    """Command id -> (first version, last version, last position) of its events: plain ints, because
    thousands of cached streams of small objects would slow every garbage collection down."""


class CommandHandler(Generic[C, S, E]):
    """Handles commands for one kind of aggregate.

    Folded streams are kept in a bounded per-process LRU, so a command reads only the events appended
    since (by anyone: other replicas included) instead of re-reading and re-folding the whole stream.
    The store's expected-version check still guards every append, so a stale entry can never win.
    """

    def __init__(
        self, store: EventStore, decider: Decider[C, S, E], *, retries: int = 3, cached_streams: int = 2_000
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        self._store = store
        self._decider = decider
        self._retries = retries
        self._cache: OrderedDict[str, _Loaded[S, E]] = OrderedDict()
        self._cache_size = cached_streams

    async def handle(
        self, command: C, metadata: CommandMetadata, *, expected_version: int | None = None
    ) -> CommandResult[E]:
        """Decide and append. Raises DomainError; on concurrent writes re-decides up to `retries` times."""
        stream = self._decider.stream_name(command)
        current_version = 0
        for _attempt in range(self._retries + 1):
            loaded = await self._load(stream)
            earlier = loaded.by_command.get(metadata.command_id)
            if earlier is not None:
                return await self._earlier_result(stream, metadata.command_id, *earlier)
            if expected_version is not None and expected_version != loaded.version:
                raise ConcurrencyConflict(loaded.version)
            events = self._decider.decide(command, loaded.state)
            if not events:
                return CommandResult(loaded.version, loaded.position, ())
            expected: ExpectedVersion = loaded.version if loaded.version else StreamState.NO_STREAM
            try:
                appended = await self._store.append(
                    stream, self._new_events(stream, command, metadata, events), expected
                )
            except WrongExpectedVersion as conflict:
                current_version = conflict.actual
                continue
            result = CommandResult(appended.stream_version, appended.position, tuple(events))
            if appended.stream_version == loaded.version + len(events):
                self._remember(stream, self._folded(loaded, events, result, metadata.command_id))
            return result
        raise ConcurrencyConflict(current_version)

    async def _load(self, stream: str) -> _Loaded[S, E]:
        cached = self._cache.get(stream)
        loaded: _Loaded[S, E] = cached or _Loaded(None, 0, 0, {})
        recorded = await self._store.read_stream(stream, from_version=loaded.version + 1)
        if not recorded:
            return loaded
        state = loaded.state
        by_command = dict(loaded.by_command)
        for record in recorded:
            event = self._decider.decode(record.type, record.schema_version, record.data)
            state = self._decider.evolve(state, event)
            earlier = by_command.get(record.metadata.command_id)
            first = earlier[0] if earlier else record.stream_version
            by_command[record.metadata.command_id] = (first, record.stream_version, record.position)
        last = recorded[-1]
        fresh: _Loaded[S, E] = _Loaded(state, last.stream_version, last.position, by_command)
        self._remember(stream, fresh)
        return fresh

    def _folded(
        self, loaded: _Loaded[S, E], events: Sequence[E], result: CommandResult[E], command_id: UUID
    ) -> _Loaded[S, E]:
        state = loaded.state
        for event in events:
            state = self._decider.evolve(state, event)
        written = (loaded.version + 1, result.stream_version, result.position)
        return _Loaded(
            state, result.stream_version, result.position, {**loaded.by_command, command_id: written}
        )

    async def _earlier_result(
        self, stream: str, command_id: UUID, first: int, last: int, position: int
    ) -> CommandResult[E]:
        """What a repeated command wrote the first time, read back from the stream."""
        recorded = await self._store.read_stream(stream, from_version=first, to_version=last)
        events = tuple(
            self._decider.decode(record.type, record.schema_version, record.data)
            for record in recorded
            if record.metadata.command_id == command_id
        )
        return CommandResult(last, position, events)

    def _remember(self, stream: str, loaded: _Loaded[S, E]) -> None:
        cached = self._cache.get(stream)
        if cached is not None and cached.version > loaded.version:
            return  # a concurrent command of this process already cached a newer fold
        self._cache[stream] = loaded
        self._cache.move_to_end(stream)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

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
