"""Support for the command-handler tests: command metadata, a store that lets another writer append
right before the handler does, and the plan folded from the stream."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from uuid import UUID, uuid5

from adapters.memory.store import InMemoryEventStore
from application.eventstore import (
    AppendResult,
    EventMetadata,
    ExpectedVersion,
    NewEvent,
    StreamState,
)
from application.handler import CommandMetadata
from domain.plans import Plan, decode, encode, fold
from domain.plans.events import PlanEvent
from domain.plans.streams import plan_stream
from tests.domain.plans import PLAN_ID

NAMESPACE = UUID("3c1d1f0a-5b8e-4f6e-9a37-2f7c4d1e8b90")
STREAM = plan_stream(PLAN_ID)
WRITER = uuid5(NAMESPACE, "concurrent-writer")


def meta(name: str, **ids: UUID) -> CommandMetadata:
    return CommandMetadata(
        command_id=uuid5(NAMESPACE, name), correlation_id=uuid5(NAMESPACE, f"{name}-correlation"), **ids
    )


def new_event(event: PlanEvent, event_id: UUID) -> NewEvent:
    event_type, schema_version, data = encode(event)
    return NewEvent(event_id, event_type, schema_version, data, EventMetadata("user", WRITER, WRITER))


class InterleavingStore(InMemoryEventStore):
    """Lets another writer append to the stream right before each of the next `times` appends."""

    def __init__(self) -> None:
        super().__init__()
        self.appends = 0
        self._interleave: Callable[[int], PlanEvent] | None = None
        self._remaining = 0

    def interleave(self, times: int, concurrent: Callable[[int], PlanEvent]) -> None:
        self._interleave, self._remaining, self.appends = concurrent, times, 0

    async def append(
        self, stream: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        self.appends += 1
        if self._interleave is not None and self._remaining > 0:
            self._remaining -= 1
            concurrent = self._interleave(self._remaining)
            await super().append(
                stream, [new_event(concurrent, uuid5(WRITER, str(self.appends)))], StreamState.ANY
            )
        return await super().append(stream, events, expected_version)


async def stored_plan(store: InMemoryEventStore) -> Plan | None:
    return fold(decode(e.type, e.schema_version, e.data) for e in await store.read_stream(STREAM))
