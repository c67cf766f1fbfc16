"""`PostgresCoachingReadModel`: queries of the AI coach's read models (`ai.*`), filled by the `coaching`
projection. Pages are keyset pages: a user's sessions by (started_at, id) newest first, a session's
messages by `CoachingMessageView.order` (log position, then a message before the reply created with it).
A reply comes with its safety triggers (`ai.safety_triggers`), in the same statement."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from adapters.postgres.metrics import Table
from adapters.postgres.read_pool import PooledReads
from application.coaching.views import (
    CoachingMessageView,
    CoachingSessionView,
    CoachUsageView,
    MessagePage,
    SessionCursor,
    SessionPage,
    SuggestionView,
)
from application.plan_reads import MAX_PAGE_SIZE, InvalidPageSize
from domain.coaching.values import Direction, SafetyAction, SafetyCategory, SafetyTrigger

_SESSION_COLUMNS = (
    "id", "user_id", "personality", "plan_id", "status", "message_count",
    "started_at", "updated_at", "ended_at", "version", "last_position",
)  # fmt: skip
_MESSAGE_COLUMNS = (
    "id", "session_id", "user_id", "role", "text", "status", "in_reply_to", "provider", "model", "attempt",
    "suggestions", "safety_action", "safety_notes", "confidence", "input_tokens", "output_tokens",
    "latency_ms", "failure_cause", "created_at", "completed_at", "position",
)  # fmt: skip
_SESSIONS = f"SELECT {', '.join(_SESSION_COLUMNS)} FROM ai.coaching_sessions"
_SESSION = _SESSIONS + " WHERE id = %(session_id)s"
_USER_SESSIONS = _SESSIONS + " WHERE user_id = %(user_id)s"
_AFTER_SESSION = " AND (started_at, id) < (%(started_at)s, %(after_id)s)"
_NEWEST_FIRST = " ORDER BY started_at DESC, id DESC LIMIT %(limit)s"
# A reply's safety triggers come with it, in the order recorded (index safety_triggers_of_reply).
_MESSAGE_ROWS = f"""
SELECT {", ".join(_MESSAGE_COLUMNS)}, coalesce(t.triggers, '[]'::jsonb) FROM ai.coaching_messages m
  LEFT JOIN LATERAL (
    SELECT jsonb_agg(jsonb_build_array(s.category, s.action, s.direction, s.note) ORDER BY s.position)
        AS triggers
      FROM ai.safety_triggers s WHERE s.reply_id = m.id AND m.role = 'coach'
  ) t ON true"""
_MESSAGE = _MESSAGE_ROWS + " WHERE id = %(message_id)s"
_MESSAGES = _MESSAGE_ROWS + (
    " WHERE session_id = %(session_id)s AND position >= %(position)s"
    " AND (position, role = 'coach') > (%(position)s, %(reply)s)"
    " ORDER BY position, role = 'coach' LIMIT %(limit)s"
)
_USAGE = """
SELECT input_tokens, output_tokens, replies FROM ai.coach_usage WHERE user_id = %(user_id)s AND day = %(day)s
"""
_WAITING = """
SELECT m.session_id FROM ai.coaching_messages m
  JOIN ai.coaching_sessions s ON s.id = m.session_id AND s.status = 'active'
 WHERE m.role = 'user' AND m.status = 'waiting'
 GROUP BY m.session_id ORDER BY min(m.position) LIMIT %(limit)s
"""
_SESSIONS_TABLE: Table = "ai.coaching_sessions"
_MESSAGES_TABLE: Table = "ai.coaching_messages"
_USAGE_TABLE: Table = "ai.coach_usage"


class PostgresCoachingReadModel(PooledReads):
    async def sessions_of(
        self, user_id: UUID, *, limit: int, after: SessionCursor | None = None
    ) -> SessionPage:
        _check_page_size(limit)
        query = _USER_SESSIONS
        params: dict[str, Any] = {"user_id": user_id, "limit": limit + 1}
        if after is not None:
            query += _AFTER_SESSION
            params.update(started_at=after.started_at, after_id=after.session_id)
        rows = await self._fetch(query + _NEWEST_FIRST, params, ("coaching_sessions", _SESSIONS_TABLE))
        views = [_session_view(row) for row in rows]
        page, more = views[:limit], len(views) > limit
        last = page[-1] if page else None
        return SessionPage(tuple(page), SessionCursor(last.started_at, last.id) if more and last else None)

    async def session(self, session_id: UUID) -> CoachingSessionView | None:
        rows = await self._fetch(_SESSION, {"session_id": session_id}, ("coaching_sessions", _SESSIONS_TABLE))
        return _session_view(rows[0]) if rows else None

    async def messages(self, session_id: UUID, *, limit: int, after: int | None = None) -> MessagePage:
        _check_page_size(limit)
        position, reply = divmod(max(after or 0, 0), 2)
        params = {
            "session_id": session_id,
            "position": position,
            "reply": bool(reply),
            "limit": limit + 1,
        }
        rows = await self._fetch(_MESSAGES, params, ("coaching_messages", _MESSAGES_TABLE))
        views = [_message_view(row) for row in rows]
        page, more = views[:limit], len(views) > limit
        return MessagePage(tuple(page), page[-1].order if more else None)

    async def message(self, message_id: UUID) -> CoachingMessageView | None:
        rows = await self._fetch(_MESSAGE, {"message_id": message_id}, ("coaching_messages", _MESSAGES_TABLE))
        return _message_view(rows[0]) if rows else None

    async def usage(self, user_id: UUID, day: date) -> CoachUsageView:
        rows = await self._fetch(_USAGE, {"user_id": user_id, "day": day}, ("coach_usage", _USAGE_TABLE))
        input_tokens, output_tokens, replies = rows[0] if rows else (0, 0, 0)
        return CoachUsageView(user_id, day, input_tokens, output_tokens, replies)

    async def waiting_sessions(self, *, limit: int) -> tuple[UUID, ...]:
        rows = await self._fetch(_WAITING, {"limit": limit}, ("coaching_messages", _MESSAGES_TABLE))
        return tuple(row[0] for row in rows)


def _check_page_size(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidPageSize(f"page size must be between 1 and {MAX_PAGE_SIZE}, not {limit}")


def _session_view(row: tuple[Any, ...]) -> CoachingSessionView:
    return CoachingSessionView(**dict(zip(_SESSION_COLUMNS, row, strict=True)))


def _message_view(row: tuple[Any, ...]) -> CoachingMessageView:
    fields = dict(zip(_MESSAGE_COLUMNS, row[:-1], strict=True))
    fields["suggestions"] = tuple(SuggestionView.from_json(s) for s in fields["suggestions"])
    fields["safety_notes"] = tuple(fields["safety_notes"])
    safety = tuple(
        SafetyTrigger(SafetyCategory(category), SafetyAction(action), Direction(direction), note)
        for category, action, direction, note in row[-1]
    )
    return CoachingMessageView(**fields, safety=safety)
