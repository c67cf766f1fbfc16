"""Contract and PostgreSQL-specific tests of the event store; small builders shared by them."""

from __future__ import annotations

import uuid
from typing import Any

from application.eventstore import EventMetadata, NewEvent


def fresh_stream(prefix: str = "test") -> str:
    """A stream name no other test (or earlier run against a shared log) has used."""
    return f"{prefix}-{uuid.uuid4().hex}"


def command_metadata(
    *, user_id: uuid.UUID | None = None, causation_id: uuid.UUID | None = None
) -> EventMetadata:
    return EventMetadata(
        actor="user",
        command_id=uuid.uuid4(),
        correlation_id=uuid.uuid4(),
        causation_id=causation_id,
        user_id=user_id,
    )


def new_event(
    type_: str = "ExerciseAdded",
    *,
    data: dict[str, Any] | None = None,
    schema_version: int = 1,
    metadata: EventMetadata | None = None,
) -> NewEvent:
    return NewEvent(
        event_id=uuid.uuid4(),
        type=type_,
        schema_version=schema_version,
        data={"exercise": "squat", "sets": 3} if data is None else data,
        metadata=metadata or command_metadata(),
    )


def new_events(count: int) -> list[NewEvent]:
    """`count` events of one command: they share metadata, as a decider's output does."""
    shared = command_metadata()
    return [new_event(data={"index": index}, metadata=shared) for index in range(count)]
