"""`AuditRecord`: one stored event as an auditor reads it: its place, its metadata, its data with the
secrets masked, and a one-line summary (`domain.audit.summaries`).

An event this code cannot read (an unknown type, a schema version without an upcaster, malformed data)
is still listed, its summary naming the problem: an audit shows the log as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from application.eventstore import RecordedEvent
from domain.audit.decoding import decode_event
from domain.audit.redaction import redacted
from domain.audit.summaries import summary
from domain.errors import DomainError


@dataclass(frozen=True, slots=True)
class AuditRecord:
    position: int
    stream: str
    version: int
    """The event's version in its stream, from 1."""
    event_id: UUID
    type: str
    schema_version: int
    recorded_at: datetime
    actor: str
    """Who issued the command: user, ai_coach or system."""
    user_id: UUID | None
    """The signed-in user the command was issued for, if any."""
    command_id: UUID
    correlation_id: UUID
    causation_id: UUID | None
    data: Mapping[str, Any]
    """As stored (not upcast), secrets masked."""
    summary: str

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "stream": self.stream,
            "version": self.version,
            "event_id": str(self.event_id),
            "type": self.type,
            "schema_version": self.schema_version,
            "recorded_at": self.recorded_at.isoformat(),
            "actor": self.actor,
            "user_id": _text(self.user_id),
            "command_id": str(self.command_id),
            "correlation_id": str(self.correlation_id),
            "causation_id": _text(self.causation_id),
            "summary": self.summary,
            "data": dict(self.data),
        }


def audit_record(event: RecordedEvent) -> AuditRecord:
    metadata = event.metadata
    return AuditRecord(
        position=event.position,
        stream=event.stream,
        version=event.stream_version,
        event_id=event.event_id,
        type=event.type,
        schema_version=event.schema_version,
        recorded_at=event.recorded_at,
        actor=metadata.actor,
        user_id=metadata.user_id,
        command_id=metadata.command_id,
        correlation_id=metadata.correlation_id,
        causation_id=metadata.causation_id,
        data=redacted(event.type, event.data),
        summary=event_summary(event),
    )


def event_summary(event: RecordedEvent) -> str:
    try:
        decoded = decode_event(event.stream, event.type, event.schema_version, event.data)
    except DomainError as error:
        return f"(unreadable: {error.code})"
    return summary(decoded)


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)
