"""Builders for the KurrentDB mapping tests: our `NewEvent`s, and the `kurrentdbclient.RecordedEvent`s a
server would hand back."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import kurrentdbclient

from adapters.kurrentdb.mapping import CONTENT_TYPE
from application.eventstore import EventMetadata, NewEvent

RECORDED_AT = datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)


def full_metadata() -> EventMetadata:
    return EventMetadata(
        actor="AI_COACH", command_id=uuid4(), correlation_id=uuid4(), causation_id=uuid4(), user_id=uuid4()
    )


def new_event(metadata: EventMetadata | None = None, **data: object) -> NewEvent:
    return NewEvent(
        event_id=uuid4(),
        type="ExerciseAdded",
        schema_version=2,
        data=data or {"plan_id": str(uuid4()), "sets": 3, "note": "Kniebeuge, tief 🏋️ ü"},
        metadata=metadata or EventMetadata(actor="USER", command_id=uuid4(), correlation_id=uuid4()),
    )


def recorded_from(
    sent: kurrentdbclient.NewEvent,
    *,
    stream: str = "plan-1",
    stream_position: int = 0,
    commit_position: int = 4096,
    recorded_at: datetime | None = RECORDED_AT,
) -> kurrentdbclient.RecordedEvent:
    """What KurrentDB hands back for an event it stored from `sent`."""
    return kurrentdbclient.RecordedEvent(
        type=sent.type,
        data=sent.data,
        metadata=sent.metadata,
        content_type=sent.content_type,
        id=sent.id,
        stream_name=stream,
        stream_position=stream_position,
        commit_position=commit_position,
        prepare_position=commit_position,
        recorded_at=recorded_at,
    )


def raw_recorded(
    *, type: str = "ExerciseAdded", stream: str = "plan-1", data: bytes = b"{}", metadata: bytes = b"{}"
) -> kurrentdbclient.RecordedEvent:
    return kurrentdbclient.RecordedEvent(
        type=type,
        data=data,
        metadata=metadata,
        content_type=CONTENT_TYPE,
        id=uuid4(),
        stream_name=stream,
        stream_position=0,
        commit_position=100,
        prepare_position=100,
        recorded_at=RECORDED_AT,
    )
