"""`AuditEvent`: one stored event with its place in the log and its metadata, for auditors; and the
connection that pages a stream's events by version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from application.audit.history import HistoryPage
from application.audit.records import AuditRecord
from schema.pages import PageInfo, event_cursor, page_info
from schema.scalars import Long


@strawberry.type(
    description="One stored event: its place in the log, its metadata and its data (secrets masked)."
)
class AuditEvent:
    position: Long = strawberry.field(description="Its place in the global log.")
    stream: str
    version: int = strawberry.field(description="Its place in its stream, from 1.")
    event_id: UUID
    type: str
    schema_version: int = strawberry.field(description="The shape its data was stored in.")
    recorded_at: datetime
    actor: str = strawberry.field(description="Who issued the command: user, ai_coach or system.")
    user_id: UUID | None = strawberry.field(description="The signed-in user the command was issued for.")
    command_id: UUID
    correlation_id: UUID = strawberry.field(description="The request it is part of.")
    causation_id: UUID | None
    summary: str = strawberry.field(description="What happened, in one line (no secret, no personal data).")
    data: JSON = strawberry.field(
        description="As stored (not upcast); password hashes and sign-in subjects masked."
    )

    @classmethod
    def of(cls, record: AuditRecord) -> AuditEvent:
        return cls(
            position=Long(record.position),
            stream=record.stream,
            version=record.version,
            event_id=record.event_id,
            type=record.type,
            schema_version=record.schema_version,
            recorded_at=record.recorded_at,
            actor=record.actor,
            user_id=record.user_id,
            command_id=record.command_id,
            correlation_id=record.correlation_id,
            causation_id=record.causation_id,
            summary=record.summary,
            data=JSON(dict(record.data)),
        )


@strawberry.type
class AuditEventEdge:
    cursor: str
    node: AuditEvent


@strawberry.type
class AuditEventConnection:
    edges: list[AuditEventEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many events the list holds in all.")

    @classmethod
    def of(cls, page: HistoryPage) -> AuditEventConnection:
        return cls.of_records(page.records, page.total, page.has_next, page.has_previous)

    @classmethod
    def of_records(
        cls, records: Sequence[AuditRecord], total: int, has_next: bool, has_previous: bool
    ) -> AuditEventConnection:
        edges = [AuditEventEdge(cursor=event_cursor(r.version), node=AuditEvent.of(r)) for r in records]
        cursors = [edge.cursor for edge in edges]
        info = page_info(cursors, has_next=has_next, has_previous=has_previous)
        return cls(edges=edges, page_info=info, total_count=total)
