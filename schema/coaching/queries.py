"""Coaching queries: the viewer's sessions (newest first), a session by id, usage by day, and the
`node(id)` lookups of sessions and messages. Someone else's session or message is NOT_FOUND (an admin
may read them, for audits)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import strawberry

from application.coaching.views import CoachingSessionView, SessionCursor
from schema.coaching.types import CoachingSession, CoachMessage, CoachUsage
from schema.context import Info, Viewer
from schema.errors import NotFound
from schema.ids import parse_global_id
from schema.pages import PageInfo, page_size, parse_session_cursor, session_cursor


def _may_see(viewer: Viewer, owner_id: UUID) -> bool:
    return viewer.user_id == owner_id or viewer.is_admin


@strawberry.type
class CoachingSessionEdge:
    cursor: str
    node: CoachingSession


@strawberry.type
class CoachingSessionConnection:
    edges: list[CoachingSessionEdge]
    page_info: PageInfo


async def visible_session(info: Info, session_id: UUID) -> CoachingSessionView:
    viewer = info.context.require_viewer()
    view = await info.context.services.coaching_reads.session(session_id)
    if view is None or not _may_see(viewer, view.user_id):
        raise NotFound("no coaching session with that id")
    return view


async def coaching_node(info: Info, type_name: str, raw: UUID) -> CoachingSession | CoachMessage:
    """`node(id)` for a CoachingSession or a CoachMessage."""
    if type_name == "CoachingSession":
        return CoachingSession.of(await visible_session(info, raw))
    viewer = info.context.require_viewer()
    message = await info.context.services.coaching_reads.message(raw)
    if message is None or not _may_see(viewer, message.user_id):
        raise NotFound("no coach message with that id")
    return CoachMessage.of(message)


@strawberry.type
class CoachingQueries:
    @strawberry.field(description="Your coaching sessions, newest first.")
    async def coaching_sessions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> CoachingSessionConnection:
        viewer = info.context.require_viewer()
        limit = page_size(first)
        cursor = SessionCursor(*parse_session_cursor(after)) if after is not None else None
        page = await info.context.services.coaching_reads.sessions_of(
            viewer.user_id, limit=limit, after=cursor
        )
        edges = [
            CoachingSessionEdge(
                cursor=session_cursor(view.started_at, view.id), node=CoachingSession.of(view)
            )
            for view in page.sessions
        ]
        page_info = PageInfo(
            has_next_page=page.next is not None,
            has_previous_page=cursor is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return CoachingSessionConnection(edges=edges, page_info=page_info)

    @strawberry.field
    async def coaching_session(self, info: Info, id: strawberry.ID) -> CoachingSession:
        _, session_id = parse_global_id(id, expect="CoachingSession")
        return CoachingSession.of(await visible_session(info, session_id))

    @strawberry.field(description="Your coach usage on a UTC day (today when not given).")
    async def coach_usage(self, info: Info, day: date | None = None) -> CoachUsage:
        viewer = info.context.require_viewer()
        chosen = day or datetime.now(UTC).date()
        return CoachUsage.of(await info.context.services.coaching_reads.usage(viewer.user_id, chosen))
