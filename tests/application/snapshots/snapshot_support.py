"""Support for the command-path snapshot tests: command metadata, a store that records the ranges it is
asked to read, and handlers that snapshot every so many events."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from adapters.memory.store import InMemoryEventStore
from application.eventstore import RecordedEvent
from application.handler import CommandHandler, CommandMetadata
from domain.plans import Plan, decode, fold
from domain.plans.commands import PlanCommand
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.events import PlanEvent
from domain.plans.streams import plan_stream
from tests.domain.plans import PLAN_ID, add_exercise, create_plan

NAMESPACE = UUID("0f7bd7a4-8d0e-4d53-a7a3-3a4c1b2f6e11")
STREAM = plan_stream(PLAN_ID)
Handler = CommandHandler[PlanCommand, Plan, PlanEvent]


def meta(name: str) -> CommandMetadata:
    return CommandMetadata(command_id=uuid5(NAMESPACE, name), correlation_id=uuid5(NAMESPACE, f"{name}-c"))


class ReadRecordingStore(InMemoryEventStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads: list[tuple[int, int | None]] = []

    async def read_stream(self, stream: str, **options: Any) -> list[RecordedEvent]:
        self.reads.append((options.get("from_version", 1), options.get("to_version")))
        return await super().read_stream(stream, **options)


def handler_on(store: InMemoryEventStore, snapshots: Any, every: int = 2, remembered: int = 64) -> Handler:
    return CommandHandler(
        store, WORKOUT_PLANS, snapshots=snapshots, snapshot_every=every, remembered_commands=remembered
    )


async def full_fold(store: InMemoryEventStore) -> Plan | None:
    return fold(decode(e.type, e.schema_version, e.data) for e in await store.read_stream(STREAM))


async def given_three_commands(handler: Handler) -> None:
    await handler.handle(create_plan(), meta("create"))
    await handler.handle(add_exercise("A"), meta("add-a"))
    await handler.handle(add_exercise("B"), meta("add-b"))
