"""A plan's own history, for whoever may see the plan: its events, oldest first, as of the plan's state in
hand. Only the plan's own facts: no log position, no command or correlation ids, no user ids (an admin's
or anyone else's)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from application.audit.history import HistoryPage
from application.audit.records import AuditRecord
from application.plan_views import PlanView
from domain.plans.streams import plan_stream
from schema.context import Info
from schema.pages import PageInfo, event_cursor, page_info, page_size, parse_event_cursor
from schema.plans.actors import ActorKind


@strawberry.type(description="One event of a plan's history.")
class PlanHistoryEvent:
    version: int = strawberry.field(description="The plan's stream version this event made.")
    type: str
    recorded_at: datetime
    actor: ActorKind
    summary: str
    data: JSON = strawberry.field(description="The event's data as stored.")

    @classmethod
    def of(cls, record: AuditRecord) -> PlanHistoryEvent:
        return cls(
            version=record.version,
            type=record.type,
            recorded_at=record.recorded_at,
            actor=ActorKind(record.actor),
            summary=record.summary,
            data=JSON(dict(record.data)),
        )


@strawberry.type
class PlanHistoryEdge:
    cursor: str
    node: PlanHistoryEvent


@strawberry.type
class PlanHistoryConnection:
    edges: list[PlanHistoryEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: HistoryPage) -> PlanHistoryConnection:
        edges = [
            PlanHistoryEdge(cursor=event_cursor(r.version), node=PlanHistoryEvent.of(r)) for r in page.records
        ]
        cursors = [edge.cursor for edge in edges]
        info = page_info(cursors, has_next=page.has_next, has_previous=page.has_previous)
        return cls(edges=edges, page_info=info, total_count=page.total)


async def plan_history(
    info: Info, view: PlanView, first: int | None, after: str | None
) -> PlanHistoryConnection:
    """The events of the plan up to the version `view` was read at (the caller may see the plan)."""
    limit = page_size(first)
    after_version = parse_event_cursor(after) if after is not None else None
    page = await info.context.services.audit.histories.page_of(
        plan_stream(view.id), limit=limit, after=after_version, up_to=view.version
    )
    return PlanHistoryConnection.of(page)
